import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDhlEmulator } from "../../emulators/dhl/server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { connectDhl, connectWooStore, installShopWithFedex, SHIP_FROM } from "../support/installed-shop";

// The fulfillment pipeline end to end: orders arrive as webhooks, are routed by the
// state machine, and the fulfillment job buys the label on the carrier emulator and
// writes the tracking back to the Shopify or WooCommerce emulator, exactly once.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  home: await import("~/routes/app._index"),
  process: await import("~/webhooks/process-event.server"),
  inbound: await import("~/webhooks/inbound-events.server"),
  pipeline: await import("~/fulfillment/pipeline.server"),
  state: await import("~/orders/order-state.server"),
  labels: await import("~/carriers/labels.server"),
  wooJobs: await import("~/channels/woocommerce/channel-jobs.server"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let dhl: Awaited<ReturnType<typeof startDhlEmulator>>;
let woo: WooCommerceEmulator;
const silent = (await import("pino")).pino({ level: "silent" });
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
    CARRIER_TIMEOUT_MS: "2000",
  });
  app = await loadApp();
});

afterAll(async () => {
  await Promise.all([shopify.close(), fedex.close(), dhl.close(), woo.close()]);
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

/** A shop installed through token exchange against the Shopify emulator, with a FedEx account and a ship-from address. */
const installedShopWithFedex = () => installShopWithFedex(shopify, fedex, "ful");

/** Delivers the order's orders/create webhook through the app's recording and processing path. */
async function deliverShopifyOrder(shop: { id: string; domain: string }, overrides: Parameters<ShopifyEmulator["state"]["createOrder"]>[1]) {
  const order = shopify.state.createOrder(shop.domain, overrides);
  const recorded = await app.inbound.recordAndEnqueue(
    app.db.getPrisma(),
    { provider: "SHOPIFY", shop: { domain: shop.domain }, topic: "ORDERS_CREATE", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(order) },
    silent,
  );
  expect(recorded.outcome).toBe("recorded");
  const event = await app.db.forShop(shop.id).webhookEvent.findFirstOrThrow({ where: { processedAt: null }, orderBy: { receivedAt: "desc" } });
  await app.process.processInboundEvent({ shopId: shop.id, eventRowId: event.id });
  const row = await app.db.forShop(shop.id).order.findFirstOrThrow({ where: { externalOrderId: String(order.id) } });
  return { emulated: order, row };
}

describe("fulfillment pipeline", () => {
  it("takes a prepaid Shopify order to a FedEx label and a Shopify fulfillment with tracking, exactly once", async () => {
    const { shop, db } = await installedShopWithFedex();
    const { emulated, row } = await deliverShopifyOrder(shop, { gateways: ["shopify_payments"], financialStatus: "paid" });
    expect(row.status).toBe("FULFILLING");
    const shipsBefore = fedex.state.counts.ship;

    const first = await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id });
    expect(first).toMatchObject({ fulfilled: true });
    // A rerun (duplicate job, retry after a crash) changes nothing.
    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toMatchObject({ skipped: "order is FULFILLED" });

    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(emulated.fulfillments).toHaveLength(1);
    expect(emulated.fulfillments[0].trackingInfo[0]).toMatchObject({ company: "FedEx", number: first.trackingNumber });
    const stored = await db.order.findUniqueOrThrow({ where: { id: row.id }, include: { shipments: true } });
    expect(stored.status).toBe("FULFILLED");
    expect(stored.shipments[0].channelFulfillmentId).toBe(emulated.fulfillments[0].id);
    const trail = await db.auditLog.findMany({ where: { action: "ORDER_STATUS_CHANGED", subjectId: row.id }, orderBy: { createdAt: "asc" } });
    expect(trail.map((entry) => (entry.after as { status: string }).status)).toEqual(["FULFILLING", "FULFILLED"]);
  });

  it("resumes after the label was bought and after a fulfillment whose answer was lost: one label, one fulfillment", async () => {
    const { shop } = await installedShopWithFedex();
    const { emulated, row } = await deliverShopifyOrder(shop, { gateways: ["shopify_payments"], financialStatus: "paid" });
    const shipsBefore = fedex.state.counts.ship;
    // The worker died after buying the label...
    const shipment = await app.labels.buyLabelForOrder(app.db.forShop(shop.id), row.id);
    // ...and Shopify had even created the fulfillment before the answer was lost.
    emulated.fulfillmentOrders[0].status = "CLOSED";
    emulated.fulfillments.push({ id: "gid://shopify/Fulfillment/999", orderId: emulated.id, status: "SUCCESS", notifyCustomer: true, trackingInfo: [{ company: "FedEx", number: shipment.trackingNumber, url: null }], events: [] });

    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toMatchObject({ fulfilled: true });
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(emulated.fulfillments).toHaveLength(1);
  });

  it("holds a COD order's fulfillment orders until approval, then fulfills", async () => {
    const { shop, db } = await installedShopWithFedex();
    const { emulated, row } = await deliverShopifyOrder(shop, {});
    expect(row).toMatchObject({ status: "PENDING_APPROVAL", cod: true });
    expect(await app.pipeline.runHoldForApproval({ shopId: shop.id, orderId: row.id })).toEqual({ held: 1 });
    expect(emulated.fulfillmentOrders[0]).toMatchObject({ status: "ON_HOLD" });
    // Not fulfillable while waiting.
    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toMatchObject({ skipped: "order is PENDING_APPROVAL" });

    await app.state.transitionOrder(db, row.id, "APPROVED", { actor: { type: "USER", id: "admin" } });
    await app.pipeline.continueApprovedOrder(db, row.id);
    expect(await app.pipeline.runReleaseApprovalHold({ shopId: shop.id, orderId: row.id })).toEqual({ released: 1 });
    expect(emulated.fulfillmentOrders[0].status).toBe("OPEN");
    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toMatchObject({ fulfilled: true });
    expect(emulated.fulfillments).toHaveLength(1);
  });

  it("stops a cancelled order and flags a label already bought for void", async () => {
    const { shop, db } = await installedShopWithFedex();
    const { emulated, row } = await deliverShopifyOrder(shop, { gateways: ["shopify_payments"], financialStatus: "paid" });
    await app.labels.buyLabelForOrder(db, row.id);
    const cancelled = { ...emulated, cancelledAt: new Date().toISOString(), updatedAt: new Date(Date.now() + 1000).toISOString() };
    const recorded = await app.inbound.recordAndEnqueue(
      app.db.getPrisma(),
      { provider: "SHOPIFY", shop: { domain: shop.domain }, topic: "ORDERS_CANCELLED", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(cancelled) },
      silent,
    );
    expect(recorded.outcome).toBe("recorded");
    const event = await db.webhookEvent.findFirstOrThrow({ where: { processedAt: null } });
    await app.process.processInboundEvent({ shopId: shop.id, eventRowId: event.id });

    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toMatchObject({ skipped: "order is CANCELLED" });
    const stored = await db.order.findUniqueOrThrow({ where: { id: row.id }, include: { shipments: true } });
    expect(stored.status).toBe("CANCELLED");
    expect(stored.shipments[0].voidRequested).toBe(true);
    expect(emulated.fulfillments).toHaveLength(0);
  });

  it("does nothing for a shop that has uninstalled", async () => {
    const { shop, db } = await installedShopWithFedex();
    const { row } = await deliverShopifyOrder(shop, { gateways: ["shopify_payments"], financialStatus: "paid" });
    await app.db.getPrisma().shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
    const shipsBefore = fedex.state.counts.ship;
    expect(await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id })).toEqual({ skipped: "shop not installed" });
    expect(fedex.state.counts.ship).toBe(shipsBefore);
    expect((await db.order.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("FULFILLING");
  });

  it("refuses an illegal transition instead of overwriting the state", async () => {
    const { shop, db } = await installedShopWithFedex();
    const { row } = await deliverShopifyOrder(shop, {});
    await expect(app.state.transitionOrder(db, row.id, "FULFILLED", { actor: { type: "SYSTEM" } })).rejects.toBeInstanceOf(app.state.IllegalTransitionError);
    expect((await db.order.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("takes a WooCommerce order to a DHL label and a completed WooCommerce order with tracking", async () => {
    const domain = `ful-${randomBytes(4).toString("hex")}.myshopify.com`;
    const shop = await app.db.getPrisma().shop.create({ data: { domain, shipFrom: SHIP_FROM } });
    const db = app.db.forShop(shop.id);
    await connectDhl(dhl, db);
    const channelId = await connectWooStore(woo, db);
    const placed = await woo.state.createOrder({ payment_method: "stripe", set_paid: true }, { deliver: false });
    await app.wooJobs.runOrderPoll({ shopId: shop.id, channelId });
    const row = await db.order.findFirstOrThrow({ where: { channelId, externalOrderId: String(placed.id) } });
    expect(row.status).toBe("FULFILLING");

    const done = await app.pipeline.runFulfillment({ shopId: shop.id, orderId: row.id });
    expect(done).toMatchObject({ fulfilled: true });
    expect(woo.state.orderJson(placed.id)?.status).toBe("completed");
    const fulfillment = woo.state.fulfillments.find((f) => f.order_id === placed.id);
    expect(fulfillment?.meta_data).toEqual(expect.arrayContaining([expect.objectContaining({ key: "_tracking_number", value: done.trackingNumber })]));
    expect(dhl.state.shipments.filter((s) => s.references.some((ref) => ref.startsWith("R")))).not.toHaveLength(0);
  });
});

describe("order state under concurrency", () => {
  it("routes a new order once when two of its events arrive together", async () => {
    const { shop, db } = await installedShopWithFedex();
    const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
    const emulated = shopify.state.createOrder(shop.domain, {});
    const { orderFromWebhook } = await import("~/shopify/order-mapping");
    const order = orderFromWebhook(webhookPayload(emulated));
    await Promise.all([app.pipeline.ingestAndRoute(db, channel.id, order), app.pipeline.ingestAndRoute(db, channel.id, order)]);
    const row = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
    expect(row.status).toBe("PENDING_APPROVAL");
    expect(await db.auditLog.count({ where: { action: "ORDER_STATUS_CHANGED", subjectId: row.id } })).toBe(1);
  });
});
