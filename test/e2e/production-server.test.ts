import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { API_SECRET_KEY, RequestType } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";
import { freePort } from "~/jobs/local-redis.server";
import { recordInstall } from "~/shops/shop-service.server";
import { sessionStorage } from "~/shopify.server";
import { adminRequest } from "../support/admin-requests";
import { signedWebhook } from "../support/shopify-webhooks";
import { startShopifyEmulator } from "../../emulators/shopify/server";
import { jobHandlers } from "~/jobs/job-handlers.server";
import { closeQueues } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import { startWorkers } from "~/jobs/worker-runtime.server";
import { forShop } from "~/db/prisma.server";
import { buildShop } from "../factories/shop.factory";
import { pino } from "pino";
import { offlineSession, uniqueShopDomain } from "../support/shops";

// The production build served by `npm start` on a real port, against this run's
// PostgreSQL and Redis, driven over HTTP like Shopify and a load balancer would.
let server: ChildProcess;
const METRICS_TOKEN = randomBytes(24).toString("hex");
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
    env: { ...process.env, PORT: String(port), NODE_ENV: "test", LOG_LEVEL: "info", METRICS_TOKEN },
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
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

const seenCookies: string[] = [];
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

async function send(request: Request): Promise<Response> {
  const response = await sendRaw(request);
  seenCookies.push(...response.headers.getSetCookie());
  return response;
}

/** Sends a request built for any origin to the server under test, keeping path and query. */
async function sendRaw(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  // The library answers 410 to bots, and fetch's default user agent looks like one.
  const headers = new Headers(request.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", BROWSER);
  return fetch(`${base}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body: hasBody ? await request.text() : undefined,
    redirect: "manual",
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
    const landing = await send(new Request(`${base}/`));
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

  it("serves GET /metrics only with the bearer token, and tags every answer with a request id", async () => {
    const refused = await fetch(`${base}/metrics`);
    expect(refused.status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toContain('rappit_dependency_up{dependency="database"} 1');
    expect(text).toContain("# TYPE rappit_webhook_deliveries_total counter");
    expect(scraped.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "lb-0123456789" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-0123456789");
    // The token never reaches the server's output.
    expect(output).not.toContain(METRICS_TOKEN);
  });

  it("answers a GET to a webhook route with 405", async () => {
    const response = await fetch(`${base}/webhooks/app/uninstalled`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("renders an embedded page for a session token, frameable only by the shop's admin", async () => {
    const shop = uniqueShopDomain();
    const request = await adminRequest(shop, "/app", undefined, RequestType.Admin);
    const response = await send(request);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`frame-ancestors https://${shop} https://admin.shopify.com`);
    const html = await response.text();
    expect(html).toContain("Sales channels");
    expect(html).toContain("Add a carrier account");
  });

  it("renders the Connections page with the shop's channel and the WooCommerce connect form", async () => {
    const shop = await buildShop();
    const request = await adminRequest(shop.domain, "/app/connections", undefined, RequestType.Admin);
    const response = await send(request);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`Shopify: ${shop.domain}`);
    expect(html).toContain("Connect WooCommerce store");
    expect(html).toContain("Store address");
  });

  it("renders the Carriers page with the add-account and ship-from forms", async () => {
    const shop = await buildShop();
    const response = await send(await adminRequest(shop.domain, "/app/carriers", undefined, RequestType.Admin));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Add a carrier account");
    expect(html).toContain("Ship from");
  });

  it("renders the Jobs page", async () => {
    const shop = await buildShop();
    const response = await send(await adminRequest(shop.domain, "/app/jobs", undefined, RequestType.Admin));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Dead letters");
  });

  it("forbids framing pages outside the admin", async () => {
    const landing = await send(new Request(`${base}/`));
    expect(landing.headers.get("content-security-policy")).toBe("frame-ancestors 'none';");
    expect(landing.headers.get("x-content-type-options")).toBe("nosniff");
    await send(new Request(`${base}/auth/login`));
    await send(new Request(`${base}/auth/login`, { method: "POST", body: new URLSearchParams({ shop: "x.myshopify.com" }) }));
  });

  it("sets no cookie without Secure, HttpOnly and SameSite", () => {
    // Token exchange needs no cookies; any a route adds must still be locked down.
    for (const cookie of seenCookies) {
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=(None|Lax|Strict)/i);
    }
  });

  it("ingests Shopify's deliveries over HTTP, redelivered and out of order, into one correct order", async () => {
    const shop = await buildShop();
    const emulator = await startShopifyEmulator({ apiKey: "unused", apiSecret: API_SECRET_KEY, scopes: "" });
    emulator.appUrl = base;
    emulator.state.addShop(shop.domain);
    const workers = startWorkers({
      redisUrl: process.env.REDIS_URL!,
      prefix: process.env.QUEUE_PREFIX!,
      handlers: jobHandlers,
      queues: ["inbound"],
      logger: pino({ level: "silent" }),
    });
    try {
      const order = emulator.state.createOrder(shop.domain, { updatedAt: "2026-11-20T10:00:00.000Z" });
      const { webhookPayload } = await import("../../emulators/shopify/orders");
      const created = webhookPayload(order);
      const paid = webhookPayload({ ...order, financialStatus: "paid", updatedAt: "2026-11-20T11:00:00.000Z" });

      // The update arrives first, then the creation, then a redelivery of the creation.
      expect((await emulator.webhooks.deliver({ topic: "orders/updated", shop: shop.domain, payload: paid })).status).toBe(200);
      const first = await emulator.webhooks.deliver({ topic: "orders/create", shop: shop.domain, payload: created });
      expect(first.status).toBe(200);
      const again = await emulator.webhooks.deliver({ topic: "orders/create", shop: shop.domain, payload: created, webhookId: first.webhookId });
      expect(again.status).toBe(200);

      const db = forShop(shop.id);
      const deadline = Date.now() + 15_000;
      while ((await db.webhookEvent.count({ where: { processedAt: null } })) > 0 || (await db.webhookEvent.count()) < 2) {
        if (Date.now() > deadline) throw new Error("events were not processed in time");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await db.webhookEvent.count()).toBe(2); // the redelivery was not recorded again
      // Whichever event the workers took first, the newer version wins.
      const outcomes = (await db.webhookEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((e) => `${e.topic}:${e.outcome}`);
      expect([["ORDERS_UPDATED:created", "ORDERS_CREATE:stale"], ["ORDERS_UPDATED:updated", "ORDERS_CREATE:created"]]).toContainEqual(outcomes);
      const stored = await db.order.findMany();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ externalOrderId: String(order.id), financialStatus: "paid", cod: true });
    } finally {
      await workers.stop(1_000);
      await emulator.close();
    }
  });
});
