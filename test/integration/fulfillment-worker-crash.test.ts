import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { installShopWithFedex } from "../support/installed-shop";
import { until as untilWithin } from "../support/until";

// A worker process killed (SIGKILL) while it waits for FedEx to answer a label
// purchase that FedEx has already made. A new worker picks the job up once its lock
// expires, finds the shipment by our reference instead of buying again, and fulfills:
// one label, one Shopify fulfillment.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-crash-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  home: await import("~/routes/app._index"),
  process: await import("~/webhooks/process-event.server"),
  inbound: await import("~/webhooks/inbound-events.server"),
  accounts: await import("~/carriers/accounts.server"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  fedex = await startFedexEmulator();
  // The children inherit this environment: same database, Redis prefix, keys and emulators.
  Object.assign(process.env, { SHOPIFY_API_ORIGIN: shopify.url, FEDEX_API_ORIGIN: fedex.url, CARRIER_TIMEOUT_MS: "1500" });
  app = await loadApp();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await app.queues.getQueue("fulfillment").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await Promise.all([shopify.close(), fedex.close()]);
});

function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/fulfillment-worker.ts"], {
    env: { ...process.env, TEST_LOCK_DURATION_MS: "2000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not start")), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("worker ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

// A killed job waits for its lock and the purchase lease to expire: allow 40 s.
const until = <T>(read: () => Promise<T>, done: (value: T) => boolean) => untilWithin(read, done, 40_000);

describe("a worker killed mid-job", () => {
  it("leaves a job that a new worker finishes: one label, one fulfillment", { timeout: 90_000 }, async () => {
    const { shop, db, domain } = await installShopWithFedex(shopify, fedex, "crash");

    const first = await startWorkerProcess();
    // FedEx makes the label but its answer never comes: the worker waits inside the job.
    fedex.state.faults.hangShips = 1;
    const emulated = shopify.state.createOrder(domain, { gateways: ["shopify_payments"], financialStatus: "paid" });
    const shipsBefore = fedex.state.counts.ship;
    await app.inbound.recordAndEnqueue(
      app.db.getPrisma(),
      { provider: "SHOPIFY", shop: { domain }, topic: "ORDERS_CREATE", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(emulated) },
      pino({ level: "silent" }),
    );
    const event = await db.webhookEvent.findFirstOrThrow({ where: { processedAt: null } });
    await app.process.processInboundEvent({ shopId: shop.id, eventRowId: event.id });
    const row = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
    expect(row.status).toBe("FULFILLING");

    // Wait until FedEx has made the label (and is holding the answer), then kill the worker.
    await until(async () => fedex.state.counts.ship, (ships) => ships > shipsBefore);
    first.kill("SIGKILL");
    expect(await db.shipment.findFirstOrThrow({ where: { orderId: row.id } })).toMatchObject({ status: "PENDING" });

    await startWorkerProcess();
    const done = await until(() => db.order.findUniqueOrThrow({ where: { id: row.id }, include: { shipments: true } }), (order) => order.status === "FULFILLED");
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(fedex.state.shipments.filter((s) => s.references.includes(done.shipments[0].reference))).toHaveLength(1);
    expect(done.shipments).toHaveLength(1);
    expect(done.shipments[0]).toMatchObject({ status: "PURCHASED", trackingNumber: fedex.state.shipments.at(-1)!.trackingNumber });
    expect(emulated.fulfillments).toHaveLength(1);
  });
});
