import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDhlEmulator } from "../../emulators/dhl/server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { connectDhl, connectWooStore, installShopWithFedex, SHIP_FROM } from "../support/installed-shop";

// Tracking after the label: the poll asks the carrier, stores each event once, moves the
// shipment's status and next poll time, and writes each event to the channel once (Shopify
// fulfillment events, WooCommerce order notes). On the emulators, PostgreSQL and Redis.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-tracking-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  inbound: await import("~/webhooks/inbound-events.server"),
  process: await import("~/webhooks/process-event.server"),
  pipeline: await import("~/fulfillment/pipeline.server"),
  wooJobs: await import("~/channels/woocommerce/channel-jobs.server"),
  tracking: await import("~/tracking/jobs.server"),
  policies: await import("~/carriers/core/policies.server"),
  orderState: await import("~/orders/order-state.server"),
  orderPage: await import("~/routes/app.orders.$id"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let dhl: Awaited<ReturnType<typeof startDhlEmulator>>;
let woo: WooCommerceEmulator;
const silent = pino({ level: "silent" });
const HOUR = 3_600_000;

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  fedex = await startFedexEmulator();
  dhl = await startDhlEmulator();
  woo = await startWooCommerceEmulator();
  Object.assign(process.env, {
    SHOPIFY_API_ORIGIN: shopify.url,
    FEDEX_API_ORIGIN: fedex.url,
    DHL_API_ORIGIN: dhl.url,
    WOOCOMMERCE_ALLOW_INSECURE_STORES: "1",
    CARRIER_TIMEOUT_MS: "1000",
    CARRIER_BREAKER_COOLDOWN_MS: "60000",
  });
  app = await loadApp();
});

afterAll(async () => {
  await Promise.all([shopify.close(), fedex.close(), dhl.close(), woo.close()]);
  await app.queues.getQueue("fulfillment").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

/**
 * A Shopify order taken through the pipeline to a FedEx label and a Shopify fulfillment:
 * prepaid, or cash on delivery approved by an admin.
 */
async function fulfilledShopifyOrder(payment: "prepaid" | "cod" = "prepaid") {
  const { shop, db } = await installShopWithFedex(shopify, fedex, "trk");
  await db.inventoryItem.create({ data: { shopId: shop.id, sku: "SKU-1", title: "Canvas tote", available: 500 } });
  const emulated = shopify.state.createOrder(shop.domain, payment === "prepaid" ? { gateways: ["shopify_payments"], financialStatus: "paid" } : {});
  await app.inbound.recordAndEnqueue(
    app.db.getPrisma(),
    { provider: "SHOPIFY", shop: { domain: shop.domain }, topic: "ORDERS_CREATE", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(emulated) },
    silent,
  );
  const event = await db.webhookEvent.findFirstOrThrow({ where: { processedAt: null }, orderBy: { receivedAt: "desc" } });
  await app.process.processInboundEvent({ shopId: shop.id, eventRowId: event.id });
  const order = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
  if (payment === "cod") {
    expect(order).toMatchObject({ cod: true, status: "PENDING_APPROVAL" });
    await app.orderState.transitionOrder(db, order.id, "APPROVED", { actor: { type: "USER", id: "42" }, reason: "approved by the owner" });
    await app.pipeline.continueApprovedOrder(db, order.id);
    await app.pipeline.runReleaseApprovalHold({ shopId: shop.id, orderId: order.id });
  }
  const done = await app.pipeline.runFulfillment({ shopId: shop.id, orderId: order.id });
  expect(done).toMatchObject({ fulfilled: true });
  const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id, status: "PURCHASED" } });
  return { shop, db, emulated, order, shipment, trackingNumber: shipment.trackingNumber! };
}

describe("tracking poll", () => {
  it("stores each FedEx event once, writes each to the Shopify fulfillment once, and stops at delivered", async () => {
    const { shop, db, emulated, shipment, trackingNumber } = await fulfilledShopifyOrder();
    const t0 = Date.now();

    // First poll: the label-created scan, written as LABEL_PURCHASED; next poll in 30 minutes.
    const first = await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0));
    expect(first).toMatchObject({ polled: 1, newEvents: 1, written: 1 });
    const afterFirst = await db.shipment.findUniqueOrThrow({ where: { id: shipment.id } });
    expect(afterFirst).toMatchObject({ trackingStatus: "LABEL_CREATED", unchangedPolls: 0 });
    expect(afterFirst.nextTrackAt?.getTime()).toBe(t0 + HOUR / 2);

    // Not due yet: nothing is asked.
    const tracksBefore = fedex.state.requests.filter((entry) => entry.path === "/track/v1/trackingnumbers").length;
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 60_000))).toMatchObject({ polled: 0 });
    expect(fedex.state.requests.filter((entry) => entry.path === "/track/v1/trackingnumbers").length).toBe(tracksBefore);

    // Due and unchanged: nothing new, and the interval doubles.
    const unchanged = await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + HOUR));
    expect(unchanged).toMatchObject({ polled: 1, newEvents: 0, written: 0 });
    const backedOff = await db.shipment.findUniqueOrThrow({ where: { id: shipment.id } });
    expect(backedOff.unchangedPolls).toBe(1);
    expect(backedOff.nextTrackAt?.getTime()).toBe(t0 + HOUR + HOUR);

    fedex.state.setTrackingStatus(trackingNumber, "IT", "In transit", { at: new Date(t0 + 2 * HOUR), city: "DALLAS", stateOrProvinceCode: "TX", countryCode: "US" });
    fedex.state.setTrackingStatus(trackingNumber, "OD", "On FedEx vehicle for delivery", { at: new Date(t0 + 3 * HOUR), city: "AUSTIN", stateOrProvinceCode: "TX", countryCode: "US" });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 3 * HOUR))).toMatchObject({ polled: 1, newEvents: 2, written: 2 });
    const outForDelivery = await db.shipment.findUniqueOrThrow({ where: { id: shipment.id } });
    expect(outForDelivery).toMatchObject({ trackingStatus: "OUT_FOR_DELIVERY", unchangedPolls: 0 });
    expect(outForDelivery.nextTrackAt?.getTime()).toBe(t0 + 3 * HOUR + HOUR / 4);

    fedex.state.setTrackingStatus(trackingNumber, "DL", "Delivered", { at: new Date(t0 + 4 * HOUR), city: "AUSTIN", stateOrProvinceCode: "TX", countryCode: "US" });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 4 * HOUR))).toMatchObject({ polled: 1, newEvents: 1, written: 1 });
    const delivered = await db.shipment.findUniqueOrThrow({ where: { id: shipment.id } });
    expect(delivered).toMatchObject({ trackingStatus: "DELIVERED", nextTrackAt: null });

    // Final: never asked again, nothing written twice.
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 48 * HOUR))).toMatchObject({ polled: 0, written: 0 });
    const events = await db.shipmentEvent.findMany({ where: { shipmentId: shipment.id }, orderBy: { occurredAt: "asc" } });
    expect(events.map((event) => [event.status, event.location, event.channelWrittenAt !== null])).toEqual([
      ["LABEL_CREATED", null, true],
      ["IN_TRANSIT", "DALLAS, TX, US", true],
      ["OUT_FOR_DELIVERY", "AUSTIN, TX, US", true],
      ["DELIVERED", "AUSTIN, TX, US", true],
    ]);
    const fulfillment = emulated.fulfillments[0];
    expect(fulfillment.events.map((event) => [event.status, event.city, event.province])).toEqual([
      ["LABEL_PURCHASED", null, null],
      ["IN_TRANSIT", "DALLAS", "TX"],
      ["OUT_FOR_DELIVERY", "AUSTIN", "TX"],
      ["DELIVERED", "AUSTIN", "TX"],
    ]);
    expect(new Date(fulfillment.events[3].happenedAt!).getTime()).toBe(t0 + 4 * HOUR);

    // The order page shows the status and the events, newest first.
    const order = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
    const page = await app.requests.settle(async () =>
      app.orderPage.loader({ request: await app.requests.adminRequest(shop.domain, `/app/orders/${order.id}`), params: { id: order.id }, context: {} }),
    );
    const { shipments } = (await page.json()) as { shipments: Array<{ trackingStatus: string; events: Array<{ status: string; text: string }> }> };
    expect(shipments[0].trackingStatus).toBe("DELIVERED");
    expect(shipments[0].events.map((event) => event.text)).toEqual([
      "Delivered (AUSTIN, TX, US)",
      "On FedEx vehicle for delivery (AUSTIN, TX, US)",
      "In transit (DALLAS, TX, US)",
      "Shipment information sent to FedEx",
    ]);
  });

  it("a write whose answer was lost is not repeated: the event already on Shopify is only marked", async () => {
    const { shop, db, emulated, shipment } = await fulfilledShopifyOrder();
    await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date());
    // As if the process died after Shopify recorded the event but before it was marked.
    await db.shipmentEvent.updateMany({ where: { shipmentId: shipment.id }, data: { channelWrittenAt: null } });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ written: 1 });
    const fulfillment = emulated.fulfillments[0];
    expect(fulfillment.events).toHaveLength(1);
  });

  it("during a FedEx outage the poll is delayed (retry later), not failed, and resumes after", async () => {
    const { shop, db, shipment } = await fulfilledShopifyOrder();
    fedex.state.faults.rateLimitNext = 1;
    const error = await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date()).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(app.policies.RateLimitedError);
    expect(await db.shipmentEvent.count({ where: { shipmentId: shipment.id } })).toBe(0);
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ polled: 1, newEvents: 1 });
  });

  it("writes DHL events on a WooCommerce order as private notes, once each", async () => {
    const shop = await app.db.getPrisma().shop.create({ data: { domain: `trk-${randomBytes(4).toString("hex")}.myshopify.com`, shipFrom: SHIP_FROM } });
    const db = app.db.forShop(shop.id);
    await connectDhl(dhl, db);
    const channelId = await connectWooStore(woo, db);
    const placed = await woo.state.createOrder({ payment_method: "stripe", set_paid: true }, { deliver: false });
    await app.wooJobs.runOrderPoll({ shopId: shop.id, channelId });
    const order = await db.order.findFirstOrThrow({ where: { channelId, externalOrderId: String(placed.id) } });
    const done = await app.pipeline.runFulfillment({ shopId: shop.id, orderId: order.id });
    expect(done).toMatchObject({ fulfilled: true });

    dhl.state.setTrackingEvents(done.trackingNumber!, [
      { date: "2026-11-20", time: "08:00:00", primaryEventDescription: "LABEL CREATED", eventCode: "LC" },
      { date: "2026-11-21", time: "07:10:00", primaryEventDescription: "OUT FOR DELIVERY", eventCode: "OD", location: "Austin, TX, US" },
      { date: "2026-11-21", time: "09:30:00", primaryEventDescription: "DELIVERY ATTEMPTED - NO ACCESS", eventCode: "DA", location: "Austin, TX, US" },
    ]);
    const notesBefore = woo.state.notes.filter((note) => note.order_id === placed.id).length;
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ polled: 1, newEvents: 3, written: 3 });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ newEvents: 0, written: 0 });
    const notes = woo.state.notes.filter((note) => note.order_id === placed.id).slice(notesBefore);
    expect(notes.map((note) => note.customer_note)).toEqual([false, false, false]);
    expect(notes.map((note) => note.note)).toEqual([
      expect.stringMatching(/^DHL .*: LABEL CREATED, 2026-11-20T08:00:00.000Z \[Rappit [0-9a-f]{8}\]$/),
      expect.stringMatching(/OUT FOR DELIVERY \(Austin, TX, US\)/),
      expect.stringMatching(/DELIVERY ATTEMPTED - NO ACCESS/),
    ]);
    const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
    expect(shipment.trackingStatus).toBe("EXCEPTION");

    // The store's keys revoked meanwhile: the new event waits for the store instead of failing the poll.
    await db.channel.update({ where: { id: channelId }, data: { status: "NEEDS_REAUTH" } });
    dhl.state.setTrackingEvents(done.trackingNumber!, [
      ...dhl.state.findPackage(done.trackingNumber!)!.events,
      { date: "2026-11-22", time: "10:00:00", primaryEventDescription: "DELIVERED", eventCode: "DL", location: "Austin, TX, US" },
    ]);
    await db.shipment.update({ where: { id: shipment.id }, data: { nextTrackAt: new Date() } });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ newEvents: 1, written: 0, waiting: 1 });
    await db.channel.update({ where: { id: channelId }, data: { status: "CONNECTED" } });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date())).toMatchObject({ newEvents: 0, written: 1 });
    expect(woo.state.notes.filter((note) => note.order_id === placed.id).slice(notesBefore)).toHaveLength(4);
  });

  it("a delivered COD order is marked paid on Shopify once and audited COD_COLLECTED", async () => {
    const { shop, db, emulated, order, trackingNumber } = await fulfilledShopifyOrder("cod");
    expect(emulated.financialStatus).toBe("pending");
    const t0 = Date.now();
    fedex.state.setTrackingStatus(trackingNumber, "IT", "In transit", { at: new Date(t0) });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0))).toMatchObject({ newEvents: 2, codCollected: 0 });
    expect(emulated.financialStatus).toBe("pending");

    fedex.state.setTrackingStatus(trackingNumber, "DL", "Delivered", { at: new Date(t0 + HOUR) });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + HOUR))).toMatchObject({ newEvents: 1, codCollected: 1 });
    expect(emulated.financialStatus).toBe("paid");
    expect(emulated.markedPaid).toBe(1);
    const collected = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(collected.codCollectedAt).not.toBeNull();
    expect(collected.financialStatus).toBe("paid");
    const audits = await db.auditLog.findMany({ where: { action: "COD_COLLECTED", subjectId: order.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: "WORKER", after: expect.objectContaining({ financialStatus: "paid" }) });

    // Polled again, and even with the marker lost after Shopify took the payment: nothing twice.
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 2 * HOUR))).toMatchObject({ polled: 0, codCollected: 0 });
    await db.order.update({ where: { id: order.id }, data: { codCollectedAt: null } });
    expect(await app.tracking.runTrackingPoll({ shopId: shop.id }, new Date(t0 + 2 * HOUR))).toMatchObject({ codCollected: 1 });
    expect(emulated.markedPaid).toBe(1);
  });

  it("the sweep enqueues one poll per shop with shipments due", async () => {
    const { shop } = await fulfilledShopifyOrder();
    const now = new Date();
    const first = await app.tracking.runTrackingSweep(now);
    expect(first.enqueued).toBeGreaterThanOrEqual(1);
    await app.tracking.runTrackingSweep(now);
    const bucket = Math.floor(now.getTime() / (5 * 60_000));
    const job = await app.queues.getQueue("fulfillment").getJob(`tracking-poll-${shop.id}-${bucket}`);
    expect(job?.name).toBe("tracking.poll-shop");
    expect(job?.data).toMatchObject({ shopId: shop.id });
  });
});
