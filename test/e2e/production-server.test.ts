import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";
import { freePort } from "~/jobs/local-redis.server";
import { recordInstall } from "~/shops/shop-service.server";
import { sessionStorage } from "~/shopify.server";
import { signedWebhook } from "../support/shopify-webhooks";
import { offlineSession, uniqueShopDomain } from "../support/shops";

// The production build served by `npm start` on a real port, against this run's
// PostgreSQL and Redis, driven over HTTP like Shopify and a load balancer would.
let server: ChildProcess;
let base: string;
let output = "";

beforeAll(async () => {
  const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ["--import", "tsx", "server/web.ts"], {
    env: { ...process.env, PORT: String(port), NODE_ENV: "test", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes("web server listening")) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await disconnectPrisma();
});

async function send(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(`${base}${url.pathname}`, {
    method: request.method,
    headers: request.headers,
    body: await request.text(),
  });
}

describe("production server (npm run build && npm start)", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  it("serves the landing page with Shopify's document headers and fingerprinted assets", async () => {
    const landing = await fetch(`${base}/`);
    expect(landing.status).toBe(200);
    expect(landing.headers.get("x-powered-by")).toBeNull();
    const html = await landing.text();
    expect(html).toContain("Rappit: order operations for Shopify");
    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    expect(asset).toBeDefined();
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toContain("immutable");
  });

  it("takes a signed app/uninstalled delivery over HTTP and refuses a forged one with 401", async () => {
    const db = getPrisma();
    const shop = uniqueShopDomain();
    await recordInstall(db, shop, "read_orders");
    await sessionStorage!.storeSession(offlineSession(shop));
    const payload = { id: 1, domain: shop };

    const forged = await send(
      signedWebhook({ topic: "app/uninstalled", shop, path: "/webhooks/app/uninstalled", payload, secret: `${API_SECRET_KEY}x` }),
    );
    expect(forged.status).toBe(401);
    expect(await db.session.count({ where: { shop } })).toBe(1);

    const genuine = await send(signedWebhook({ topic: "app/uninstalled", shop, path: "/webhooks/app/uninstalled", payload }));
    expect(genuine.status).toBe(200);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).not.toBeNull();
  });

  it("answers a GET to a webhook route with 405", async () => {
    const response = await fetch(`${base}/webhooks/app/uninstalled`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
