// `npm run demo`: Rappit on this machine with nothing to configure: the embedded
// database, a private Redis, demo Shopify credentials, web and workers in one process.
import "dotenv/config";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

if (process.env.NODE_ENV === "production") {
  console.error("npm run demo is for local use: unset NODE_ENV=production.");
  process.exit(1);
}

// Demo credentials are made once per data folder and kept there (git ignores it),
// so nothing secret is in the repository and restarts keep working sessions.
const dataDir = process.env.DATA_DIR || ".data";
const secretsFile = path.join(dataDir, "demo-credentials.json");
mkdirSync(dataDir, { recursive: true });
interface DemoCredentials {
  apiKey: string;
  apiSecret: string;
  encryptionKey: string;
}
let stored: Partial<DemoCredentials> = {};
try {
  stored = JSON.parse(readFileSync(secretsFile, "utf8"));
} catch {
  // first run in this data folder
}
const credentials: DemoCredentials = {
  apiKey: stored.apiKey ?? "rappit-demo",
  apiSecret: stored.apiSecret ?? randomBytes(32).toString("hex"),
  encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("base64"),
};
writeFileSync(secretsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });

const port = process.env.PORT || "3000";
process.env.DEMO_MODE = "1";
process.env.PORT = port;
process.env.SHOPIFY_API_KEY ||= credentials.apiKey;
process.env.SHOPIFY_API_SECRET ||= credentials.apiSecret;
process.env.SHOPIFY_APP_URL ||= `http://localhost:${port}`;
process.env.ENCRYPTION_KEY ||= credentials.encryptionKey;

// Imported only now: app modules read the configuration when they load.
const { runLocalApp } = await import("../server/local-app");
await runLocalApp();
