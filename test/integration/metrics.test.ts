import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookOrder } from "../fixtures/shopify/order-payloads";
import { responseOf, signedWebhook } from "../support/shopify-webhooks";
import { until } from "../support/until";

// GET /metrics after a small workload on the real pieces: signed Shopify webhooks
// (accepted, duplicate, bad signature), the inbound worker processing them, a FedEx
// account's token and test call on the emulator, and the scrape-time queue and
// database gauges. Also: the request id of a webhook reaches the log lines of its job.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-metrics-${randomBytes(3).toString("hex")}`;
const METRICS_TOKEN = randomBytes(24).toString("hex");

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  inbound: await import("~/webhooks/inbound-events.server"),
  logging: await import("~/logging/logger.server"),
  context: await import("~/logging/request-context.server"),
  accounts: await import("~/carriers/accounts.server"),
  metricsRoute: await import("~/routes/metrics"),
  metricsServer: await import("~/metrics/metrics-server.server"),
  ordersCreate: await import("~/routes/webhooks.orders.create"),
  shops: await import("../factories/shop.factory"),
  shopDomains: await import("~/shops/shop-domains.server"),
  installed: await import("../support/installed-shop"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let runtime: WorkerRuntime;
const logLines: string[] = [];

beforeAll(async () => {
  fedex = await startFedexEmulator();
  Object.assign(process.env, { FEDEX_API_ORIGIN: fedex.url, METRICS_TOKEN });
  app = await loadApp();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...chunk.toString().trim().split("\n"));
      done();
    },
  });
  const logger = app.logging.createLogger({ level: "info", destination: sink });
  const processEvent = app.handlers.jobHandlers.inbound![app.inbound.PROCESS_EVENT_JOB];
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix: process.env.QUEUE_PREFIX!,
    queues: ["inbound"],
    // The real handler, with one log line of its own written through the app's logger.
    handlers: {
      inbound: {
        [app.inbound.PROCESS_EVENT_JOB]: async (data, context) => {
          logger.info("processing webhook event");
          return processEvent(data, context);
        },
      },
    },
    logger,
    heartbeat: false,
    shopDomainOf: (shopId) => app.shopDomains.shopDomainOf(shopId),
  });
});

afterAll(async () => {
  await runtime?.stop(1_000);
  await fedex.close();
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

const scrape = (authorization?: string) =>
  app.metricsRoute.loader({
    request: new Request("http://localhost/metrics", { headers: authorization ? { Authorization: authorization } : {} }),
    params: {},
    context: {},
  });

/** The value of one sample line, e.g. `rappit_x{a="b"} 3`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function deliver(shop: string, webhookId: string, secret?: string) {
  const request = signedWebhook({ topic: "orders/create", shop, path: "/webhooks/orders/create", payload: webhookOrder(), webhookId, secret });
  return responseOf(() => app.ordersCreate.action({ request, params: {}, context: {} }));
}

describe("GET /metrics", () => {
  it("refuses a scrape without the bearer token, or with a wrong one", async () => {
    for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`, "Bearer"]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain("rappit_");
    }
  });

  it("exposes the named series after a small workload", async () => {
    const shop = await app.shops.buildShop();
    const requestId = `req-${randomUUID()}`;
    // A delivery, its repeat, and one with a bad signature, inside one request context.
    await app.context.runWithRequestContext({ requestId }, async () => {
      const webhookId = randomUUID();
      expect((await deliver(shop.domain, webhookId)).status).toBe(200);
      expect((await deliver(shop.domain, webhookId)).status).toBe(200);
      expect((await deliver(shop.domain, randomUUID(), "not-the-app-secret")).status).toBe(401);
    });
    // The worker ingests the order (a completed inbound job).
    const db = app.db.forShop(shop.id);
    await until(() => db.order.count(), (count) => count === 1);
    // A FedEx account: a token fetch and a test call through the carrier policy.
    await app.installed.connectFedex(fedex, db);

    // The order row is written before the job finishes: wait for the job's own series.
    const completed = 'rappit_job_duration_seconds_count{queue="inbound",outcome="completed"}';
    await until(async () => sample(await (await scrape(`Bearer ${METRICS_TOKEN}`)).text(), completed) ?? 0, (count) => count >= 1);
    const response = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/plain");
    const text = await response.text();

    expect(sample(text, 'rappit_webhook_deliveries_total{provider="shopify",topic="orders_create",outcome="accepted"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_webhook_deliveries_total{provider="shopify",topic="orders_create",outcome="duplicate"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_webhook_deliveries_total{provider="shopify",topic="unverified",outcome="bad_signature"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_webhook_ack_seconds_count{provider="shopify",topic="orders_create"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'rappit_token_fetches_total{provider="fedex",outcome="success"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_carrier_calls_total{carrier="fedex",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_carrier_call_seconds_count{carrier="fedex"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_carrier_breaker_state{carrier="fedex",environment="sandbox"}')).toBe(0);
    // Scrape-time shared state: every queue and the dependencies.
    for (const queue of ["fulfillment", "inventory", "approvals", "notifications", "inbound", "sync"]) {
      expect(sample(text, `rappit_queue_jobs{queue="${queue}",state="waiting"}`)).toBeGreaterThanOrEqual(0);
      expect(sample(text, `rappit_dead_letters_open{queue="${queue}"}`)).toBeGreaterThanOrEqual(0);
    }
    // The webhook's order went on to fulfillment: a job waiting there (no fulfillment worker here).
    expect(sample(text, 'rappit_queue_jobs{queue="fulfillment",state="waiting"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rappit_dependency_up{dependency="database"}')).toBe(1);
    expect(sample(text, 'rappit_dependency_up{dependency="redis"}')).toBe(1);
    expect(sample(text, "rappit_inventory_reserved_units")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "rappit_inventory_open_reservations")).toBeGreaterThanOrEqual(0);
    // Declared series with no event yet still announce themselves, and process metrics are there.
    for (const name of ["rappit_inventory_reservations_total", "rappit_messages_total", "rappit_oauth_callbacks_total", "rappit_dead_letters_recorded_total"]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
    expect(sample(text, "rappit_process_resident_memory_bytes")).toBeGreaterThan(0);
    // No shop identifies itself in a label.
    expect(text).not.toContain(shop.domain);
    expect(text).not.toContain(shop.id);

    // The job's log line carries the request id and shop of the webhook that enqueued it.
    const handled = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === "processing webhook event");
    expect(handled).toMatchObject({ requestId, shop: shop.domain });
  });

  it("names the shop on the lines of a job enqueued outside any request, under an id of its own", async () => {
    const shop = await app.shops.buildShop();
    expect((await deliver(shop.domain, randomUUID())).status).toBe(200);
    const db = app.db.forShop(shop.id);
    await until(() => db.order.count(), (count) => count === 1);
    const handled = await until(
      async () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === "processing webhook event" && line.shop === shop.domain),
      (line) => line !== undefined,
    );
    expect(handled!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves the workers' own series on their port, behind the same token", async () => {
    const server = await app.metricsServer.startMetricsServer({ port: 0, host: "127.0.0.1", token: METRICS_TOKEN });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const response = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('rappit_job_duration_seconds_count{queue="inbound",outcome="completed"}');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
