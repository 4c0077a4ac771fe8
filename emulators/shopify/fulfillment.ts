// Fulfillment orders of an emulated order (Shopify creates one per order and
// location; apps cannot), holds with an app-unique handle, fulfillments with
// tracking, and order cancellation: the rules of the Admin API's fulfillment slice.
import type { EmulatedOrder } from "./orders";

export interface EmulatedHold {
  id: string;
  reason: string;
  reasonNotes: string | null;
  handle: string | null;
}

export interface EmulatedFulfillmentOrder {
  id: string;
  status: "OPEN" | "ON_HOLD" | "CLOSED" | "CANCELLED";
  holds: EmulatedHold[];
  lineItems: Array<{ id: string; lineItemId: number; sku: string | null; totalQuantity: number; remainingQuantity: number }>;
}

export interface EmulatedFulfillment {
  id: string;
  orderId: number;
  status: "SUCCESS";
  notifyCustomer: boolean;
  trackingInfo: Array<{ company: string | null; number: string | null; url: string | null }>;
  /** fulfillmentEventCreate appends here (the tracking timeline on the order page). */
  events: EmulatedFulfillmentEvent[];
}

export interface EmulatedFulfillmentEvent {
  id: string;
  status: string;
  happenedAt: string | null;
  message: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
}

export interface FulfillmentEventInput {
  fulfillmentId: string;
  status: string;
  happenedAt?: string | null;
  message?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
}

/** Shopify records every event it is given; it never merges repeats, so the caller must not send one twice. */
export function addFulfillmentEvent(fulfillment: EmulatedFulfillment, input: FulfillmentEventInput): EmulatedFulfillmentEvent {
  const event: EmulatedFulfillmentEvent = {
    id: `gid://shopify/FulfillmentEvent/${nextId++}`,
    status: input.status,
    happenedAt: input.happenedAt ?? new Date().toISOString(),
    message: input.message ?? null,
    city: input.city ?? null,
    province: input.province ?? null,
    country: input.country ?? null,
  };
  fulfillment.events.push(event);
  return event;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

let nextId = 1_046_000_000;

export function fulfillmentOrderFor(order: Pick<EmulatedOrder, "lineItems">): EmulatedFulfillmentOrder {
  return {
    id: `gid://shopify/FulfillmentOrder/${nextId++}`,
    status: "OPEN",
    holds: [],
    lineItems: order.lineItems.map((line) => ({
      id: `gid://shopify/FulfillmentOrderLineItem/${nextId++}`,
      lineItemId: line.id,
      sku: line.sku,
      totalQuantity: line.quantity,
      remainingQuantity: line.quantity,
    })),
  };
}

export function hold(fo: EmulatedFulfillmentOrder, input: { reason: string; reasonNotes?: string; handle?: string }) {
  if (fo.status === "CLOSED" || fo.status === "CANCELLED") {
    return { userErrors: [{ field: ["id"], message: `The fulfillment order is ${fo.status.toLowerCase()} and cannot be put on hold.` }] };
  }
  if (input.handle && fo.holds.some((existing) => existing.handle === input.handle)) {
    return { userErrors: [{ field: ["fulfillmentHold", "handle"], message: "A hold with this handle already exists on the fulfillment order.", code: "DUPLICATE_FULFILLMENT_HOLD_HANDLE" }] };
  }
  const created: EmulatedHold = { id: `gid://shopify/FulfillmentHold/${nextId++}`, reason: input.reason, reasonNotes: input.reasonNotes ?? null, handle: input.handle ?? null };
  fo.holds.push(created);
  fo.status = "ON_HOLD";
  return { hold: created, userErrors: [] as UserError[] };
}

export function releaseHolds(fo: EmulatedFulfillmentOrder, holdIds?: string[]) {
  if (fo.status !== "ON_HOLD") {
    return { userErrors: [{ field: ["id"], message: "The fulfillment order is not on hold." }] };
  }
  fo.holds = holdIds ? fo.holds.filter((existing) => !holdIds.includes(existing.id)) : [];
  if (fo.holds.length === 0) fo.status = "OPEN";
  return { userErrors: [] as UserError[] };
}

export function fulfill(
  order: EmulatedOrder,
  fos: EmulatedFulfillmentOrder[],
  input: { notifyCustomer?: boolean; trackingInfo?: { company?: string; number?: string; url?: string } },
): { fulfillment?: EmulatedFulfillment; userErrors: UserError[] } {
  for (const fo of fos) {
    if (fo.status === "ON_HOLD") return { userErrors: [{ field: ["fulfillment"], message: "Fulfillment order is on hold." }] };
    if (fo.status !== "OPEN") return { userErrors: [{ field: ["fulfillment"], message: `Fulfillment order is ${fo.status.toLowerCase()}.` }] };
  }
  for (const fo of fos) {
    for (const line of fo.lineItems) line.remainingQuantity = 0;
    fo.status = "CLOSED";
  }
  const fulfillment: EmulatedFulfillment = {
    id: `gid://shopify/Fulfillment/${nextId++}`,
    orderId: order.id,
    status: "SUCCESS",
    notifyCustomer: input.notifyCustomer ?? false,
    trackingInfo: input.trackingInfo
      ? [{ company: input.trackingInfo.company ?? null, number: input.trackingInfo.number ?? null, url: input.trackingInfo.url ?? null }]
      : [],
    events: [],
  };
  if (order.fulfillmentOrders.every((fo) => fo.status === "CLOSED" || fo.status === "CANCELLED")) order.fulfillmentStatus = "fulfilled";
  order.fulfillments.push(fulfillment);
  return { fulfillment, userErrors: [] };
}

export function cancel(order: EmulatedOrder, input: { reason: string; restock: boolean; staffNote?: string }): UserError[] {
  if (order.cancelledAt) return [{ field: ["orderId"], message: "Order has already been cancelled.", code: "ORDER_ALREADY_CANCELLED" }];
  if (order.fulfillmentStatus === "fulfilled") return [{ field: ["orderId"], message: "Cannot cancel a fulfilled order.", code: "INVALID" }];
  order.cancelledAt = new Date().toISOString();
  order.cancelReason = input.reason;
  order.restocked = input.restock;
  for (const fo of order.fulfillmentOrders) fo.status = "CANCELLED";
  return [];
}
