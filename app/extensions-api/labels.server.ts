// "Create shipping label" from the order page: quotes from every connected account, then
// the label bought with the admin's choice through the same purchase as the order page
// (never a second label), and the order handed to the fulfillment job, which writes the
// tracking back to the channel.
import { z } from "zod";
import { LabelNotPossibleError, LabelPurchaseInProgressError, buyLabelForOrder, quoteOrder } from "../carriers/labels.server";
import { describeCarrierFailure } from "../carriers/failures.server";
import type { CarrierCode } from "../carriers/connector";
import type { ShopDatabase } from "../db/prisma.server";
import { requestFulfillment } from "../fulfillment/pipeline.server";
import { trackingFor } from "../fulfillment/tracking-links";
import { transitionOrder, type OrderState } from "../orders/order-state.server";
import { findShopifyOrder } from "./order-summary.server";

export interface Answer {
  status: number;
  body: unknown;
}

const notFound: Answer = { status: 404, body: { error: "Rappit has no such order in this shop." } };
const LABEL_STATES: ReadonlySet<string> = new Set<OrderState>(["NEW", "APPROVED", "ON_HOLD", "FULFILLING"]);

export async function ratesForOrder(db: ShopDatabase, rawOrderId: string): Promise<Answer> {
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return notFound;
  try {
    return { status: 200, body: { accounts: await quoteOrder(db, order.id) } };
  } catch (error) {
    if (error instanceof LabelNotPossibleError) return { status: 422, body: { error: error.message } };
    throw error;
  }
}

const labelBody = z.object({ shippingAccountId: z.uuid("Choose a carrier account."), service: z.string().trim().min(1, "Choose a service.").max(100) });

export async function buyLabelFromExtension(db: ShopDatabase, rawOrderId: string, rawBody: unknown): Promise<Answer> {
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return notFound;
  const body = labelBody.safeParse(rawBody);
  if (!body.success) return { status: 400, body: { error: body.error.issues.map((issue) => issue.message).join(" ") } };
  if (!LABEL_STATES.has(order.status)) return { status: 422, body: { error: `A label cannot be bought for an order that is ${order.status.toLowerCase().replace(/_/g, " ")}.` } };
  if (order.status === "ON_HOLD" && order.stockReservedAt === null) return { status: 422, body: { error: `This order is on hold: ${order.holdReason ?? "out of stock"}.` } };
  let shipment;
  try {
    shipment = await buyLabelForOrder(db, order.id, { shippingAccountId: body.data.shippingAccountId, service: body.data.service });
  } catch (error) {
    if (error instanceof LabelNotPossibleError) return { status: 422, body: { error: error.message } };
    if (error instanceof LabelPurchaseInProgressError) return { status: 409, body: { error: error.message } };
    const account = await db.shippingAccount.findFirst({ where: { id: body.data.shippingAccountId }, select: { carrier: true } });
    return { status: 503, body: { error: describeCarrierFailure((account?.carrier ?? "FEDEX") as CarrierCode, error).message } };
  }
  // The fulfillment job writes the tracking back; it finds this label and buys none.
  if (order.status !== "FULFILLING") {
    await transitionOrder(db, order.id, "FULFILLING", { actor: { type: "USER", id: "extension" }, reason: "label bought from the order page" });
  }
  await requestFulfillment(db.$shopId(), order.id);
  const tracking = shipment.trackingNumber ? trackingFor(shipment.carrier, shipment.trackingNumber) : null;
  return { status: 200, body: { shipmentId: shipment.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, trackingUrl: tracking?.url ?? null } };
}
