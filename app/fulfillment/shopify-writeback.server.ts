// Rappit's side of Shopify's fulfillment orders: hold them while a COD order waits
// for approval, release them after, and create the fulfillment with tracking once
// the label is bought. Each call is safe to repeat.
import type { GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import { pacedRequest } from "../shopify/paced-graphql.server";

/** Our hold handle: Shopify keeps holds of several apps apart by it. */
export const HOLD_HANDLE = "rappit-cod-approval";

const FULFILLMENT_ORDERS = `#graphql
  query RappitFulfillmentOrders($id: ID!) {
    order(id: $id) {
      id
      fulfillmentOrders(first: 20) { nodes { id status fulfillmentHolds { id handle } } }
      fulfillments(first: 50) { id status trackingInfo { company number url } }
    }
  }`;

const HOLD = `#graphql
  mutation RappitHold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
    fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) { fulfillmentHold { id } userErrors { field message } }
  }`;

const RELEASE = `#graphql
  mutation RappitRelease($id: ID!, $holdIds: [ID!]) {
    fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) { fulfillmentOrder { id status } userErrors { field message } }
  }`;

const CREATE = `#graphql
  mutation RappitFulfill($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
  }`;

interface FulfillmentOrderNode {
  id: string;
  status: string;
  fulfillmentHolds: Array<{ id: string; handle: string | null }>;
}

interface OrderReply {
  order: {
    id: string;
    fulfillmentOrders: { nodes: FulfillmentOrderNode[] };
    fulfillments: Array<{ id: string; status: string; trackingInfo: Array<{ number: string | null }> }>;
  } | null;
}

type UserErrors = Array<{ field: string[] | null; message: string }>;

/** Shopify refused the change itself (a userError): retrying the same call will not help. */
export class ShopifyUserError extends Error {
  readonly retryable = false;
  constructor(action: string, errors: UserErrors) {
    super(`Shopify refused to ${action}: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "ShopifyUserError";
  }
}

export const orderGid = (externalOrderId: string) => `gid://shopify/Order/${externalOrderId}`;

async function fulfillmentOrders(client: GraphqlClient, externalOrderId: string, logger: Logger) {
  const reply = await pacedRequest<OrderReply>(client, FULFILLMENT_ORDERS, { id: orderGid(externalOrderId) }, logger);
  const order = reply.data?.order;
  if (!order) throw new ShopifyUserError("find the order", [{ field: ["id"], message: `order ${externalOrderId} does not exist in Shopify` }]);
  return order;
}

/** COD waiting for approval: the order cannot be fulfilled in Shopify until released. */
export async function holdForApproval(client: GraphqlClient, externalOrderId: string, logger: Logger): Promise<number> {
  const order = await fulfillmentOrders(client, externalOrderId, logger);
  let held = 0;
  for (const fo of order.fulfillmentOrders.nodes) {
    if (fo.status !== "OPEN" && fo.status !== "ON_HOLD") continue;
    if (fo.fulfillmentHolds.some((hold) => hold.handle === HOLD_HANDLE)) continue; // already ours
    const reply = await pacedRequest<{ fulfillmentOrderHold: { userErrors: UserErrors } }>(
      client,
      HOLD,
      { id: fo.id, hold: { reason: "AWAITING_PAYMENT", reasonNotes: "Cash on delivery: waiting for approval in Rappit", handle: HOLD_HANDLE, notifyMerchant: false } },
      logger,
    );
    const errors = reply.data?.fulfillmentOrderHold.userErrors ?? [];
    if (errors.length) throw new ShopifyUserError("hold the fulfillment order", errors);
    held += 1;
  }
  return held;
}

/** After approval: only our own holds are released; another app's stay. */
export async function releaseApprovalHolds(client: GraphqlClient, externalOrderId: string, logger: Logger): Promise<number> {
  const order = await fulfillmentOrders(client, externalOrderId, logger);
  let released = 0;
  for (const fo of order.fulfillmentOrders.nodes) {
    const ours = fo.fulfillmentHolds.filter((hold) => hold.handle === HOLD_HANDLE).map((hold) => hold.id);
    if (ours.length === 0) continue;
    const reply = await pacedRequest<{ fulfillmentOrderReleaseHold: { userErrors: UserErrors } }>(client, RELEASE, { id: fo.id, holdIds: ours }, logger);
    const errors = reply.data?.fulfillmentOrderReleaseHold.userErrors ?? [];
    if (errors.length) throw new ShopifyUserError("release the hold", errors);
    released += 1;
  }
  return released;
}

export interface Tracking {
  company: string;
  number: string;
  url: string;
}

/**
 * Creates the fulfillment with tracking on the order's open fulfillment orders. A
 * fulfillment that already carries this tracking number (an earlier attempt whose
 * answer was lost) is returned instead of creating a second one.
 */
export async function fulfillWithTracking(client: GraphqlClient, externalOrderId: string, tracking: Tracking, notifyCustomer: boolean, logger: Logger): Promise<string> {
  const order = await fulfillmentOrders(client, externalOrderId, logger);
  const existing = order.fulfillments.find((f) => f.status !== "CANCELLED" && f.trackingInfo.some((info) => info.number === tracking.number));
  if (existing) return existing.id;
  const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS");
  if (open.length === 0) {
    throw new ShopifyUserError("create the fulfillment", [{ field: null, message: "the order has no open fulfillment order (fulfilled elsewhere, on hold or cancelled)" }]);
  }
  const reply = await pacedRequest<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: UserErrors } }>(
    client,
    CREATE,
    { fulfillment: { lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })), trackingInfo: tracking, notifyCustomer } },
    logger,
  );
  const result = reply.data?.fulfillmentCreate;
  if (!result?.fulfillment) throw new ShopifyUserError("create the fulfillment", result?.userErrors ?? []);
  return result.fulfillment.id;
}
