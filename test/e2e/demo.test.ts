import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "~/jobs/local-redis.server";

// `npm run demo` on a machine with no PostgreSQL configured and no REDIS_URL:
// the embedded database and a private redis-server, web and workers in one process.
describe("npm run demo", () => {
  it("serves the app on the embedded defaults and stops cleanly", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "rappit-demo-"));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info", NODE_ENV: "development" };
    for (const key of ["DATABASE_URL", "REDIS_URL", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "ENCRYPTION_KEY", "QUEUE_PREFIX", "DATABASE_POOL_SIZE"]) {
      delete env[key];
    }
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));

    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes("Rappit is running")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain(`"database":"embedded (${dataDir})"`);
      expect(output).toContain('"redis":"private redis-server"');
      const base = `http://127.0.0.1:${port}`;

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", failed: [] });

      const landing = await fetch(`${base}/`);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain("Rappit: order operations for Shopify");

      const login = await fetch(`${base}/auth/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain("Log in to Rappit");

      // A shop domain that is not a Shopify domain gets the form back with the error.
      const bad = await fetch(`${base}/auth/login`, {
        method: "POST",
        body: new URLSearchParams({ shop: "not a shop" }),
      });
      expect(await bad.text()).toContain("Please enter a valid shop domain");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(existsSync(path.join(dataDir, "pglite.pid"))).toBe(false);
  }, 120_000);
});
