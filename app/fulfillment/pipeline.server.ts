// From order to label to tracking on the channel. A new order is routed once: COD
// waits for approval (its Shopify fulfillment orders held), a prepaid order of a shop
// with a carrier goes to fulfillment. The fulfillment job records each step (label
// bought, tracking written back) so a retry resumes where it stopped.
import { z } from "zod";
import { forShop, getPrisma, type ShopDatabase } from "../db/prisma.server";
import { enqueue, QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { withSystemContext } from "../security/tenancy";
import { ingestOrder, type IngestOutcome } from "../orders/order-ingestion.server";
import type { NormalizedOrder } from "../orders/order-types";
import { transitionOrder, type OrderState } from "../orders/order-state.server";
import { buyLabelForOrder } from "../carriers/labels.server";
import { wooClientFor } from "../channels/woocommerce/credentials.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { fulfillWithTracking, holdForApproval, releaseApprovalHolds } from "./shopify-writeback.server";
import { FULFILL_JOB, HOLD_JOB, RELEASE_JOB } from "./job-names";
import { takeShopTurn } from "./shop-fairness.server";
import { trackingFor } from "./tracking-links";
import { releaseOrderStock, reserveOrHold, shipOrderStock } from "../inventory/order-stock.server";
import { requestApproval } from "../approvals/request.server";
import { cancelPendingApproval } from "../approvals/system-cancel.server";
import { notifyBuyer } from "../notifications/buyer-notifications.server";

export { FULFILL_JOB, HOLD_JOB, RELEASE_JOB, SWEEP_JOB } from "./job-names";

const logger = loggerFor("fulfillment");
const SYSTEM = { type: "WORKER" as const, id: "fulfillment" };
const jobSchema = z.object({ shopId: z.uuid(), orderId: z.uuid() });

/** Deterministic ids: enqueueing the same step twice is a no-op. */
const jobId = (step: string, orderId: string) => `${step}-${orderId}`;

async function enqueueStep(name: string, step: string, shopId: string, orderId: string): Promise<boolean> {
  try {
    await enqueue({ queue: "fulfillment", name, data: { shopId, orderId }, jobId: jobId(step, orderId) });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    // The order's state is the truth: the sweep enqueues it once Redis is back.
    logger.warn({ shopId, orderId, step }, "queue unavailable: the fulfillment sweep will pick the order up");
    return false;
  }
}

export const requestFulfillment = (shopId: string, orderId: string) => enqueueStep(FULFILL_JOB, "fulfill", shopId, orderId);

/** Every ingestion path (webhooks, polls, reconciliation) goes through here. */
export async function ingestAndRoute(db: ShopDatabase, channelId: string, order: NormalizedOrder): Promise<IngestOutcome> {
  const outcome = await ingestOrder(db, channelId, order);
  if (outcome === "stale") return outcome;
  const row = await db.order.findFirst({
    where: { channelId, externalOrderId: order.externalOrderId },
    select: { id: true, status: true, cancelledAt: true },
  });
  if (!row) return outcome;
  if (row.cancelledAt) await cancelOrder(db, row.id);
  else if (row.status === "NEW") await routeNewOrder(db, row.id);
  return outcome;
}

/**
 * NEW → stock reserved (or ON_HOLD: out of stock) → PENDING_APPROVAL (COD) or
 * FULFILLING (prepaid, when the shop can ship). Safe to repeat.
 */
export async function routeNewOrder(db: ShopDatabase, orderId: string): Promise<OrderState> {
  const order = await db.order.findFirstOrThrow({ where: { id: orderId }, select: { status: true } });
  if (order.status !== "NEW") return order.status as OrderState;
  if ((await reserveOrHold(db, orderId)) === "held") return "ON_HOLD";
  return routeReservedOrder(db, orderId);
}

/**
 * An order whose stock is reserved (NEW, or ON_HOLD until stock came in) goes on:
 * COD waits for approval, prepaid goes to fulfillment when the shop has a carrier,
 * else it waits (NEW) for a label bought by hand.
 */
export async function routeReservedOrder(db: ShopDatabase, orderId: string): Promise<OrderState> {
  const order = await db.order.findFirstOrThrow({ where: { id: orderId }, include: { channel: { select: { type: true } } } });
  if (order.status !== "NEW" && order.status !== "ON_HOLD") return order.status as OrderState;
  if (order.cod) {
    await transitionOrder(db, order.id, "PENDING_APPROVAL", { actor: SYSTEM, reason: "cash on delivery: needs approval" });
    if (order.channel.type === "SHOPIFY") await enqueueStep(HOLD_JOB, "hold", db.$shopId(), order.id);
    await requestApproval(db, order.id);
    return "PENDING_APPROVAL";
  }
  const canShip = await db.shippingAccount.count({ where: { status: "CONNECTED", OR: [{ isDefault: true }, { useFor: { not: null } }] } });
  if (canShip === 0) {
    // Labels are bought by hand until the shop connects a carrier.
    if (order.status === "ON_HOLD") await transitionOrder(db, order.id, "NEW", { actor: SYSTEM, reason: "stock reserved" });
    return "NEW";
  }
  await transitionOrder(db, order.id, "FULFILLING", { actor: SYSTEM, reason: "prepaid: straight to fulfillment" });
  await requestFulfillment(db.$shopId(), order.id);
  return "FULFILLING";
}

/** The approval hook: APPROVED → FULFILLING, Shopify holds released, fulfillment enqueued. */
export async function continueApprovedOrder(db: ShopDatabase, orderId: string): Promise<void> {
  await transitionOrder(db, orderId, "FULFILLING", { actor: SYSTEM, reason: "approved" });
  await enqueueStep(RELEASE_JOB, "release", db.$shopId(), orderId);
  await requestFulfillment(db.$shopId(), orderId);
}

/**
 * The channel cancelled the order: pending work stops, its stock goes back on sale, a
 * label already bought is flagged for void. Repeating it finishes what a crash interrupted.
 */
export async function cancelOrder(db: ShopDatabase, orderId: string): Promise<void> {
  const order = await db.order.findFirst({ where: { id: orderId }, select: { status: true } });
  if (!order || order.status === "FULFILLED") return;
  if (order.status !== "CANCELLED") {
    await transitionOrder(db, orderId, "CANCELLED", { actor: SYSTEM, reason: "cancelled on the sales channel" });
    await db.shipment.updateMany({ where: { orderId, status: "PURCHASED", channelFulfillmentId: null }, data: { voidRequested: true } });
  }
  await cancelPendingApproval(db, orderId);
  await releaseOrderStock(db, orderId);
}

async function shopifyClientFor(shopId: string) {
  const shop = await getPrisma().shop.findUniqueOrThrow({ where: { id: shopId } });
  return offlineAdminClient(shop.domain);
}

export async function runHoldForApproval(data: unknown) {
  const { shopId, orderId } = jobSchema.parse(data);
  if (await shopIsGone(shopId)) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const order = await db.order.findFirst({ where: { id: orderId } });
  if (!order || order.status !== "PENDING_APPROVAL") return { skipped: `order is ${order?.status ?? "gone"}` };
  return { held: await holdForApproval(await shopifyClientFor(shopId), order.externalOrderId, logger) };
}

export async function runReleaseApprovalHold(data: unknown) {
  const { shopId, orderId } = jobSchema.parse(data);
  if (await shopIsGone(shopId)) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const order = await db.order.findFirst({ where: { id: orderId }, include: { channel: { select: { type: true } } } });
  if (!order || order.channel.type !== "SHOPIFY") return { skipped: "not a Shopify order" };
  return { released: await releaseApprovalHolds(await shopifyClientFor(shopId), order.externalOrderId, logger) };
}

/**
 * The fulfillment job. Step 1: the label (bought at most once, see labels.server).
 * Step 2: tracking on the channel, recorded on the shipment so it is written once.
 * Step 3: FULFILLING → FULFILLED.
 */
/** Jobs of a shop that uninstalled (or was redacted) have nothing left to do. */
async function shopIsGone(shopId: string): Promise<boolean> {
  const shop = await getPrisma().shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true, redactedAt: true } });
  return !shop || shop.uninstalledAt !== null || shop.redactedAt !== null;
}

export async function runFulfillment(data: unknown) {
  const { shopId, orderId } = jobSchema.parse(data);
  if (await shopIsGone(shopId)) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const order = await db.order.findFirst({ where: { id: orderId }, include: { channel: true } });
  if (!order) return { skipped: "order gone" };
  if (order.status !== "FULFILLING") return { skipped: `order is ${order.status}` };
  await takeShopTurn(shopId);

  const shipment = await buyLabelForOrder(db, order.id);
  if (!shipment.trackingNumber) throw new Error(`shipment ${shipment.id} has no tracking number`);

  if (!shipment.channelFulfillmentId) {
    const tracking = trackingFor(shipment.carrier, shipment.trackingNumber);
    let channelFulfillmentId: string;
    if (order.channel.type === "SHOPIFY") {
      const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { notifyCustomer: true } });
      channelFulfillmentId = await fulfillWithTracking(await shopifyClientFor(shopId), order.externalOrderId, tracking, shop.notifyCustomer, logger);
    } else {
      const result = await wooClientFor(order.channel).completeOrder(order.externalOrderId, tracking, { fulfillmentsApi: true });
      channelFulfillmentId = `woocommerce:completed:${result.via}`;
    }
    await db.shipment.update({ where: { id: shipment.id }, data: { channelFulfillmentId, channelSyncedAt: new Date() } });
  }
  // Before the state change: a retry after a crash here finds FULFILLING and settles again (a no-op).
  await shipOrderStock(db, order.id);
  await transitionOrder(db, order.id, "FULFILLED", { actor: SYSTEM, reason: `shipped with ${shipment.carrier} ${shipment.trackingNumber}` });
  // The buyer's "shipped" WhatsApp (once per order: the message is deduplicated on it).
  const tracking = trackingFor(shipment.carrier, shipment.trackingNumber);
  await notifyBuyer(db, order.id, "shipped", { carrier: tracking.company, trackingNumber: tracking.number, trackingUrl: tracking.url });
  logger.info({ shopId, orderId, tracking: shipment.trackingNumber }, "order fulfilled");
  return { fulfilled: true, trackingNumber: shipment.trackingNumber };
}

const STUCK_AFTER_MS = 2 * 60_000;

/** Orders whose next step was never enqueued (Redis was down): route or enqueue them again. */
export async function sweepFulfillment() {
  const before = new Date(Date.now() - STUCK_AFTER_MS);
  const base = getPrisma();
  const stuck = await withSystemContext("fulfillment sweep: finds every shop's stuck orders", () =>
    base.order.findMany({
      where: { status: { in: ["NEW", "FULFILLING"] }, updatedAt: { lt: before }, cancelledAt: null, shop: { uninstalledAt: null, redactedAt: null } },
      select: { id: true, shopId: true, status: true },
      take: 500,
    }),
  );
  let enqueued = 0;
  for (const order of stuck) {
    const db = forShop(order.shopId, base);
    if (order.status === "NEW") await routeNewOrder(db, order.id);
    else if (await requestFulfillment(order.shopId, order.id)) enqueued += 1;
  }
  return { checked: stuck.length, enqueued };
}
