// What the order-page extensions show for one Shopify order: Rappit's state (approval,
// shipments, stock hold, open dead letters, the last messages to the buyer) and which
// actions apply. Shop-scoped: an order of another shop is simply not found.
import { getConfig } from "../config/env.server";
import type { ShopDatabase } from "../db/prisma.server";
import { trackingFor } from "../fulfillment/tracking-links";
import { maskRecipient } from "../notifications/message-queries.server";
import { labelBlocker } from "./label-rules.server";
import { findShopifyOrder } from "./resolve-order.server";

/**
 * Where the block downloads a label: a CORS-enabled route, not the embedded page's. Absolute,
 * because the merchant opens it as a link from the admin, where a path would resolve against
 * admin.shopify.com rather than the app.
 */
export const labelUrlOf = (shipmentId: string) => new URL(`/api/extensions/shipments/${shipmentId}/label`, getConfig().SHOPIFY_APP_URL).toString();

export async function orderSummary(db: ShopDatabase, rawOrderId: string) {
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return null;
  const [approval, shipments, withDocument, deadLetters, messages] = await Promise.all([
    db.approval.findFirst({ where: { orderId: order.id } }),
    db.shipment.findMany({
      where: { orderId: order.id },
      orderBy: { createdAt: "asc" },
      omit: { label: true },
      include: { events: { orderBy: { occurredAt: "desc" }, take: 1 } },
    }),
    // Which labels have a document to download, without loading the documents.
    db.shipment.findMany({ where: { orderId: order.id, status: "PURCHASED", label: { not: null } }, select: { id: true } }),
    db.deadLetter.findMany({ where: { orderId: order.id, status: "OPEN" }, orderBy: { lastFailedAt: "desc" } }),
    db.messageLog.findMany({ where: { orderId: order.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 5 }),
  ]);
  const downloadable = new Set(withDocument.map((shipment) => shipment.id));
  const labelExists = shipments.some((shipment) => shipment.status === "PURCHASED");
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
      riskNotes: riskNotesOf(approval.riskNotes),
    },
    shipments: shipments.map((shipment) => ({
      id: shipment.id,
      carrier: shipment.carrier,
      service: shipment.service,
      status: shipment.status,
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingNumber ? trackingFor(shipment.carrier, shipment.trackingNumber).url : null,
      labelUrl: downloadable.has(shipment.id) ? labelUrlOf(shipment.id) : null,
      createdAt: shipment.createdAt.toISOString(),
      trackingStatus: shipment.trackingStatus,
      lastEvent: shipment.events[0]
        ? { status: shipment.events[0].status, description: shipment.events[0].description, location: shipment.events[0].location, occurredAt: shipment.events[0].occurredAt.toISOString() }
        : null,
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
      canBuyLabel: !labelExists && labelBlocker(order) === null,
    },
  };
}

export type OrderSummary = NonNullable<Awaited<ReturnType<typeof orderSummary>>>;

/** Risk notes are JSON written by the risk scorer; only well-formed {code, text} pairs go out. */
function riskNotesOf(raw: unknown): Array<{ code: string; text: string }> {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((note: unknown) => {
    const { code, text } = (note ?? {}) as { code?: unknown; text?: unknown };
    return typeof code === "string" && typeof text === "string" ? [{ code, text }] : [];
  });
}
