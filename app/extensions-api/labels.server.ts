// "Create shipping label" from the order page: quotes from every connected account, then
// the label bought with the admin's choice through the same purchase as the order page
// (never a second label), and the order handed to the fulfillment job, which writes the
// tracking back to the channel.
import { z } from "zod";
import { LabelNotPossibleError, LabelPurchaseInProgressError, buyLabelForOrder, quoteOrder } from "../carriers/labels.server";
import { describeCarrierFailure } from "../carriers/failures.server";
import type { CarrierCode } from "../carriers/connector";
import { NeedsReauthError } from "../carriers/core/authorized-call.server";
import { CarrierTransientError, CircuitOpenError, RateLimitedError } from "../carriers/core/policies.server";
import { TokenRequestError } from "../carriers/core/token-service.server";
import { CarrierRequestError } from "../carriers/connector";
import type { ShopDatabase } from "../db/prisma.server";
import { continueApprovedOrder, requestFulfillment } from "../fulfillment/pipeline.server";
import { trackingFor } from "../fulfillment/tracking-links";
import { transitionOrder } from "../orders/order-state.server";
import type { ExtensionContext } from "./context.server";
import { labelBlocker } from "./label-rules.server";
import { findShopifyOrder, ORDER_NOT_FOUND } from "./resolve-order.server";
import { answer, errorAnswer, type Answer } from "./responses";

export async function ratesForOrder(db: ShopDatabase, rawOrderId: string): Promise<Answer> {
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return errorAnswer(404, ORDER_NOT_FOUND);
  try {
    return answer(200, { accounts: await quoteOrder(db, order.id) });
  } catch (error) {
    // No ship-from address, or an incomplete shipping address: the admin must fix it first.
    if (error instanceof LabelNotPossibleError) return errorAnswer(422, error.message);
    throw error;
  }
}

const labelBody = z.object({
  shippingAccountId: z.uuid("Choose a carrier account (shippingAccountId from the rates)."),
  service: z.string().trim().min(1, "Choose a service (service from the rates).").max(100),
});

export async function buyLabelFromExtension(context: ExtensionContext, rawOrderId: string, request: Request): Promise<Answer> {
  const { db } = context;
  const order = await findShopifyOrder(db, rawOrderId);
  if (!order) return errorAnswer(404, ORDER_NOT_FOUND);
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return errorAnswer(400, 'The body must be JSON: {"shippingAccountId": "…", "service": "…"}.');
  }
  const body = labelBody.safeParse(raw);
  if (!body.success) return errorAnswer(400, body.error.issues.map((issue) => issue.message).join(" "));
  const blocker = labelBlocker(order);
  if (blocker) return errorAnswer(422, blocker);

  let shipment;
  try {
    // Returns the label already bought, if any: a second click or a concurrent call buys nothing.
    shipment = await buyLabelForOrder(db, order.id, { shippingAccountId: body.data.shippingAccountId, service: body.data.service });
  } catch (error) {
    return purchaseFailure(db, body.data.shippingAccountId, error);
  }

  // The fulfillment job writes the tracking back; it finds this label and buys none.
  const actor = { type: "USER" as const, id: context.userId ?? "extension" };
  if (order.status === "APPROVED") {
    // What the approval's own follow-up does: Shopify's approval holds released, then fulfillment.
    await continueApprovedOrder(db, order.id);
  } else {
    if (order.status !== "FULFILLING") await transitionOrder(db, order.id, "FULFILLING", { actor, reason: "label bought from the Shopify order page" });
    await requestFulfillment(db.$shopId(), order.id);
  }
  const trackingUrl = shipment.trackingNumber ? trackingFor(shipment.carrier, shipment.trackingNumber).url : null;
  return answer(200, { shipmentId: shipment.id, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, trackingUrl });
}

async function purchaseFailure(db: ShopDatabase, shippingAccountId: string, error: unknown): Promise<Answer> {
  if (error instanceof LabelNotPossibleError) return errorAnswer(422, error.message);
  if (error instanceof LabelPurchaseInProgressError) return errorAnswer(409, error.message, { "Retry-After": String(Math.ceil(error.delayMs / 1000)) });
  const account = await db.shippingAccount.findFirst({ where: { id: shippingAccountId }, select: { carrier: true } });
  const message = describeCarrierFailure((account?.carrier ?? "FEDEX") as CarrierCode, error).message;
  // "Not now": our limiter or the carrier's 429, an open breaker, a timeout or 5xx. The
  // shipment stays PENDING, so the next try asks the carrier before buying again.
  if (error instanceof RateLimitedError || error instanceof CircuitOpenError) return errorAnswer(503, message, { "Retry-After": String(Math.max(1, Math.ceil(error.delayMs / 1000))) });
  if (error instanceof CarrierTransientError || (error instanceof TokenRequestError && !error.credentialsRejected)) return errorAnswer(503, message);
  // The carrier refused the request or the credentials: retrying the same thing will not help.
  if (error instanceof CarrierRequestError || error instanceof NeedsReauthError || error instanceof TokenRequestError) return errorAnswer(422, message);
  throw error;
}
