// What the order-page extensions show for one Shopify order: Rappit's state (approval,
// shipments, stock hold, open dead letters, the last messages to the buyer) and which
// actions apply. Shop-scoped: an order of another shop is simply not found.
import type { ShopDatabase } from "../db/prisma.server";
import { trackingFor } from "../fulfillment/tracking-links";
import { maskRecipient } from "../notifications/message-queries.server";

/** The extension sends Shopify's order gid (gid://shopify/Order/123) or the bare id. */
export function shopifyOrderIdOf(raw: string): string | null {
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(raw.trim());
  return match ? match[1] : null;
}

export async function findShopifyOrder(db: ShopDatabase, rawOrderId: string) {
  const externalOrderId = shopifyOrderIdOf(rawOrderId);
  if (!externalOrderId) return null;
  return db.order.findFirst({ where: { externalOrderId, channel: { type: "SHOPIFY" } } });
}

const LABEL_BLOCKING = new Set(["CANCELLED", "FULFILLED", "PENDING_APPROVAL", "REJECTED"]);

export async function orderSummary(db: ShopDatabase, rawOrderId: string) {
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return null;
  const [approval, shipments, deadLetters, messages] = await Promise.all([
    db.approval.findFirst({ where: { orderId: order.id } }),
    db.shipment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: "asc" } }),
    db.deadLetter.findMany({ where: { orderId: order.id, status: "OPEN" }, orderBy: { lastFailedAt: "desc" } }),
    db.messageLog.findMany({ where: { orderId: order.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 5 }),
  ]);
  const purchased = shipments.some((shipment) => shipment.status === "PURCHASED");
  const stockHold = order.status === "ON_HOLD" && order.stockReservedAt === null;
  return {
    order: {
      id: order.id,
      name: order.name,
      status: order.status,
      holdReason: order.holdReason,
      cod: order.cod,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      total: order.totalPrice.toString(),
      currency: order.currency,
    },
    approval: approval && {
      id: approval.id,
      status: approval.status,
      requestedAt: approval.requestedAt.toISOString(),
      decidedAt: approval.decidedAt?.toISOString() ?? null,
      decidedByEmail: approval.decidedByEmail,
      decidedVia: approval.decidedVia,
      reason: approval.reason,
      riskNotes: (approval.riskNotes as Array<{ code: string; text: string }> | null) ?? [],
    },
    shipments: shipments.map((shipment) => ({
      id: shipment.id,
      carrier: shipment.carrier,
      service: shipment.service,
      status: shipment.status,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingNumber ? trackingFor(shipment.carrier, shipment.trackingNumber).url : null,
      labelUrl: shipment.label ? `/app/orders/${order.id}/labels/${shipment.id}` : null,
      createdAt: shipment.createdAt.toISOString(),
    })),
    deadLetters: deadLetters.map((letter) => ({ id: letter.id, queue: letter.queue, jobName: letter.jobName, error: letter.error, lastFailedAt: letter.lastFailedAt.toISOString() })),
    messages: messages.map((message) => ({
      id: message.id,
      channel: message.channel,
      template: message.template,
      status: message.status,
      recipient: maskRecipient(message.recipient),
      createdAt: message.createdAt.toISOString(),
    })),
    actions: {
      canDecide: approval?.status === "PENDING",
      canBuyLabel: !purchased && !order.cancelledAt && !LABEL_BLOCKING.has(order.status) && !stockHold,
    },
  };
}

export type OrderSummary = NonNullable<Awaited<ReturnType<typeof orderSummary>>>;
