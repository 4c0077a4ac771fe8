import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { installShopWithFedex } from "../support/installed-shop";
import { until } from "../support/until";

// The fulfillment pipeline on the real worker runtime: jobs enqueued by order events,
// taken by the fulfillment worker, delayed while the carrier's breaker is open, and
// dead-lettered (then retried from the Jobs page) when the carrier refuses a label.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-fulfil-${randomBytes(3).toString("hex")}`;
const prefix = process.env.QUEUE_PREFIX;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  home: await import("~/routes/app._index"),
  jobsPage: await import("~/routes/app.jobs"),
  process: await import("~/webhooks/process-event.server"),
  inbound: await import("~/webhooks/inbound-events.server"),
  accounts: await import("~/carriers/accounts.server"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let runtime: WorkerRuntime;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  fedex = await startFedexEmulator();
  Object.assign(process.env, {
    SHOPIFY_API_ORIGIN: shopify.url,
    FEDEX_API_ORIGIN: fedex.url,
    CARRIER_TIMEOUT_MS: "1000",
    CARRIER_BREAKER_COOLDOWN_MS: "1500",
    QUEUE_RETRY: JSON.stringify({ fulfillment: { attempts: 5, backoffMs: 200 } }),
  });
  app = await loadApp();
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix,
    queues: ["fulfillment"],
    handlers: app.handlers.jobHandlers,
    logger: silent,
    heartbeat: false,
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  await app.queues.getQueue("fulfillment").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await Promise.all([shopify.close(), fedex.close()]);
});

const installedShop = () => installShopWithFedex(shopify, fedex, "wrk");

async function deliver(shop: { id: string; domain: string }, order: ReturnType<ShopifyEmulator["state"]["createOrder"]>) {
  await app.inbound.recordAndEnqueue(
    app.db.getPrisma(),
    { provider: "SHOPIFY", shop: { domain: shop.domain }, topic: "ORDERS_CREATE", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(order) },
    silent,
  );
  const event = await app.db.forShop(shop.id).webhookEvent.findFirstOrThrow({ where: { processedAt: null }, orderBy: { receivedAt: "desc" } });
  await app.process.processInboundEvent({ shopId: shop.id, eventRowId: event.id });
  return app.db.forShop(shop.id).order.findFirstOrThrow({ where: { externalOrderId: String(order.id) } });
}

describe("fulfillment on the workers", () => {
  it("fulfills a prepaid order once, even when its order event arrives twice", { timeout: 30_000 }, async () => {
    const { shop, db } = await installedShop();
    const emulated = shopify.state.createOrder(shop.domain, { gateways: ["shopify_payments"], financialStatus: "paid" });
    const shipsBefore = fedex.state.counts.ship;
    const row = await deliver(shop, emulated);
    await deliver(shop, emulated); // a second delivery (another subscription, a replay)
    const done = await until(() => db.order.findUniqueOrThrow({ where: { id: row.id } }), (order) => order.status === "FULFILLED");
    expect(done.status).toBe("FULFILLED");
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(emulated.fulfillments).toHaveLength(1);
  });

  it("delays the job while FedEx's breaker is open and completes when FedEx is back", { timeout: 30_000 }, async () => {
    const { shop, db } = await installedShop();
    fedex.state.faults.fail5xxNext = 12;
    const row = await deliver(shop, shopify.state.createOrder(shop.domain, { gateways: ["shopify_payments"], financialStatus: "paid" }));
    // The breaker opens after 5 consecutive 5xx; the job then waits rather than spending attempts.
    await until(async () => fedex.state.faults.fail5xxNext, (left) => left <= 7);
    fedex.state.faults.fail5xxNext = 0;
    const done = await until(() => db.order.findUniqueOrThrow({ where: { id: row.id } }), (order) => order.status === "FULFILLED");
    expect(done.status).toBe("FULFILLED");
    expect(await db.deadLetter.count()).toBe(0);
  });

  it("dead-letters a label FedEx refuses, with FedEx's message, and fulfills after Retry on the Jobs page", { timeout: 30_000 }, async () => {
    const { shop, db } = await installedShop();
    fedex.state.faults.rejectShips = { count: 1, code: "RECIPIENTS.POSTALCODE.INVALID", message: "Recipient postal code is invalid for the country." };
    const row = await deliver(shop, shopify.state.createOrder(shop.domain, { gateways: ["shopify_payments"], financialStatus: "paid" }));
    const letter = await until(() => db.deadLetter.findFirst({ where: { orderId: row.id } }), (found) => found !== null);
    expect(letter!.error).toContain("Recipient postal code is invalid");
    expect(letter!.attempts).toBe(1); // the carrier's refusal is not retried blindly

    // The merchant fixes the address in Shopify; then Retry from /app/jobs. (The admin
    // request helper stores a test session; the shop's real offline token is put back.)
    const { offlineSessionStore } = await import("~/shopify.server");
    const realSession = await offlineSessionStore.loadSession(`offline_${shop.domain}`);
    const request = await app.requests.adminRequest(shop.domain, "/app/jobs", { method: "POST", body: new URLSearchParams({ intent: "retry", id: letter!.id }) });
    await offlineSessionStore.storeSession(realSession!);
    const answer = await app.requests.settle(() => app.jobsPage.action({ request, params: {}, context: {} }));
    expect(answer.status).toBe(200);
    const done = await until(() => db.order.findUniqueOrThrow({ where: { id: row.id } }), (order) => order.status === "FULFILLED");
    expect(done.status).toBe("FULFILLED");
    expect(await db.deadLetter.findUniqueOrThrow({ where: { id: letter!.id } })).toMatchObject({ status: "RETRIED" });
    expect(await db.auditLog.count({ where: { action: "JOB_REPLAYED", subjectId: letter!.id } })).toBe(1);
  });
});
