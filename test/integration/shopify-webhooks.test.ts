import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, getPrisma } from "~/db/prisma.server";
import { closeQueues, getQueue } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import * as ordersCreate from "~/routes/webhooks.orders.create";
import * as ordersUpdated from "~/routes/webhooks.orders.updated";
import * as refundsCreate from "~/routes/webhooks.refunds.create";
import * as uninstalled from "~/routes/webhooks.app.uninstalled";
import { buildShop } from "../factories/shop.factory";
import { webhookOrder } from "../fixtures/shopify/order-payloads";
import { runQueuedEventJob } from "../support/inbound";
import { responseOf, signedWebhook } from "../support/shopify-webhooks";

afterAll(async () => {
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

type Route = { action: (args: ActionFunctionArgs) => Promise<Response> };

async function deliver(route: Route, topic: string, shop: string, payload: unknown, ids: { webhookId?: string; eventId?: string } = {}) {
  const request = signedWebhook({ topic, shop, path: `/webhooks/${topic}`, payload, webhookId: ids.webhookId });
  if (ids.eventId) request.headers.set("X-Shopify-Event-Id", ids.eventId);
  return responseOf(() => route.action({ request, params: {}, context: {} }));
}

async function eventsOf(shopId: string) {
  return forShop(shopId).webhookEvent.findMany({ orderBy: { receivedAt: "asc" } });
}

describe("Shopify order webhooks", () => {
  it("records the delivery, enqueues it, and the job ingests the order", async () => {
    const shop = await buildShop();
    const response = await deliver(ordersCreate, "orders/create", shop.domain, webhookOrder());
    expect(response.status).toBe(200);

    const [event] = await eventsOf(shop.id);
    expect(event).toMatchObject({ provider: "SHOPIFY", topic: "ORDERS_CREATE", processedAt: null });
    expect(await getQueue("inbound").getJob(`event-${event.id}`)).toBeDefined();

    expect(await runQueuedEventJob(event.id)).toEqual({ outcome: "created" });
    const order = await forShop(shop.id).order.findFirstOrThrow({ include: { lines: true, channel: true } });
    expect(order).toMatchObject({ name: "#1001", cod: true, email: "jon@example.com", currency: "USD" });
    expect(order.channel.type).toBe("SHOPIFY");
    expect(order.lines).toHaveLength(2);
    expect((await eventsOf(shop.id))[0].processedAt).toBeInstanceOf(Date);

    // Running the job again changes nothing.
    expect(await runQueuedEventJob(event.id)).toEqual({ outcome: "created" });
    expect(await forShop(shop.id).order.count()).toBe(1);
  });

  it("answers a duplicate delivery with 200 and records it once", async () => {
    const shop = await buildShop();
    const webhookId = randomUUID();
    for (let i = 0; i < 3; i++) {
      expect((await deliver(ordersCreate, "orders/create", shop.domain, webhookOrder(), { webhookId })).status).toBe(200);
    }
    // One event through two subscriptions: other webhook ids, one event id.
    const eventId = randomUUID();
    await deliver(ordersUpdated, "orders/updated", shop.domain, webhookOrder(), { eventId });
    await deliver(ordersUpdated, "orders/updated", shop.domain, webhookOrder(), { eventId });
    expect((await eventsOf(shop.id)).map((e) => e.topic)).toEqual(["ORDERS_CREATE", "ORDERS_UPDATED"]);
  });

  it("does not roll an order back when an older event arrives after a newer one", async () => {
    const shop = await buildShop();
    await deliver(ordersUpdated, "orders/updated", shop.domain, webhookOrder({ updated_at: "2026-11-20T12:00:00Z", financial_status: "paid" }));
    await deliver(ordersCreate, "orders/create", shop.domain, webhookOrder({ updated_at: "2026-11-20T10:00:00Z", financial_status: "pending" }));
    const [newer, older] = await eventsOf(shop.id);
    expect(await runQueuedEventJob(newer.id)).toEqual({ outcome: "created" });
    expect(await runQueuedEventJob(older.id)).toEqual({ outcome: "stale" });
    expect((await forShop(shop.id).order.findFirstOrThrow()).financialStatus).toBe("paid");
  });

  it("refuses a forged delivery with 401 and records nothing", async () => {
    const shop = await buildShop();
    const request = signedWebhook({ topic: "orders/create", shop: shop.domain, path: "/webhooks/orders/create", payload: webhookOrder(), secret: "forged" });
    expect((await responseOf(() => ordersCreate.action({ request, params: {}, context: {} }))).status).toBe(401);
    expect(await eventsOf(shop.id)).toEqual([]);
  });

  it("finishes an event whose payload is not an order, saying why", async () => {
    const shop = await buildShop();
    await deliver(ordersCreate, "orders/create", shop.domain, { id: 5, name: "#5" });
    const [event] = await eventsOf(shop.id);
    const { outcome } = await runQueuedEventJob(event.id);
    expect(outcome).toMatch(/^rejected: .*line_items/);
    expect(await forShop(shop.id).order.count()).toBe(0);
  });

  it("records refund lines once per line", async () => {
    const shop = await buildShop();
    const refund = { id: 509562969, order_id: 820982911946154500, refund_line_items: [{ id: 104689539, line_item_id: 703073504, quantity: 1, restock_type: "return" }] };
    await deliver(refundsCreate, "refunds/create", shop.domain, refund);
    await deliver(refundsCreate, "refunds/create", shop.domain, { ...refund, note: "resent" });
    for (const event of await eventsOf(shop.id)) await runQueuedEventJob(event.id);
    const lines = await forShop(shop.id).refundLine.findMany();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ externalRefundLineId: "104689539", externalLineId: "703073504", restockType: "return" });
  });

  it("reserves the order's stock on arrival; a refund's return restocks it once; the cancellation releases the rest", async () => {
    const shop = await buildShop();
    const db = forShop(shop.id);
    await db.inventoryItem.create({ data: { shopId: shop.id, sku: "IPOD2008PINK", title: "iPod", available: 4 } });
    const order = webhookOrder({ line_items: [{ id: 866550311766439000, variant_id: 808950810, sku: "IPOD2008PINK", title: "IPod Nano - 8GB", quantity: 3, price: "199.00", fulfillable_quantity: 3 }] });
    await deliver(ordersCreate, "orders/create", shop.domain, order);
    for (const event of await eventsOf(shop.id)) await runQueuedEventJob(event.id);
    const level = () => db.inventoryItem.findFirstOrThrow({ where: { sku: "IPOD2008PINK" }, select: { available: true, reserved: true } });
    expect(await level()).toEqual({ available: 1, reserved: 3 });

    // One unit refunded and restocked before shipping: it leaves the reservation and goes back on sale.
    const refund = { id: 77, order_id: order.id, refund_line_items: [{ id: 88, line_item_id: 866550311766439000, quantity: 1, restock_type: "cancel", line_item: { sku: "IPOD2008PINK" } }] };
    await deliver(refundsCreate, "refunds/create", shop.domain, refund);
    await deliver(refundsCreate, "refunds/create", shop.domain, { ...refund, note: "resent" });
    for (const event of (await eventsOf(shop.id)).slice(1)) expect((await runQueuedEventJob(event.id)).outcome).toMatch(/^refund-lines:/);
    expect(await level()).toEqual({ available: 2, reserved: 2 });

    await deliver(ordersUpdated, "orders/updated", shop.domain, { ...order, cancelled_at: "2027-01-02T10:00:00Z", updated_at: "2027-01-02T10:00:00Z" });
    for (const event of (await eventsOf(shop.id)).slice(3)) await runQueuedEventJob(event.id);
    expect(await level()).toEqual({ available: 4, reserved: 0 });
  });

  it("answers 200 for a shop that is not installed and stores nothing", async () => {
    const response = await deliver(ordersCreate, "orders/create", "never-installed.myshopify.com", webhookOrder());
    expect(response.status).toBe(200);
  });
});

describe("app/uninstalled", () => {
  it("disconnects every channel with an audit row each, and a redelivery adds nothing", async () => {
    const shop = await buildShop();
    const request = () => signedWebhook({ topic: "app/uninstalled", shop: shop.domain, path: "/webhooks/app/uninstalled", payload: { id: 1 } });
    await uninstalled.action({ request: request(), params: {}, context: {} });
    await uninstalled.action({ request: request(), params: {}, context: {} });
    const channels = await forShop(shop.id).channel.findMany();
    expect(channels.map((c) => c.status)).toEqual(["DISCONNECTED"]);
    const audits = await forShop(shop.id).auditLog.findMany();
    expect(audits.map((a) => a.action).sort()).toEqual(["APP_UNINSTALLED", "CHANNEL_DISCONNECTED"]);
    expect((await getPrisma().shop.findUniqueOrThrow({ where: { id: shop.id } })).uninstalledAt).toBeInstanceOf(Date);
  });
});
