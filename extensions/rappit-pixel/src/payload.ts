// Pure mapping from a Shopify checkout event to the compact body Rappit's ingest endpoint
// accepts (app/pixel/schema.ts). Only what risk notes use leaves the browser: no address,
// no line items, no amounts. Types are written out here, structurally matching the parts
// of @shopify/web-pixels-extension's event types we read, so the mapping can be tested
// with plain objects and no sandbox.

/** Events the pixel forwards. */
export const FORWARDED_EVENTS = ["checkout_completed", "payment_info_submitted"] as const;
export type ForwardedEventName = (typeof FORWARDED_EVENTS)[number];

interface CheckoutTransactionLike {
  gateway?: string | null;
  paymentMethod?: { name?: string | null; type?: string | null } | null;
}

/** The slice of a checkout event the mapping reads; everything may be missing. */
export interface CheckoutEventLike {
  id?: string | null;
  name?: string | null;
  timestamp?: string | null;
  data?: {
    checkout?: {
      token?: string | null;
      email?: string | null;
      phone?: string | null;
      order?: { id?: string | null } | null;
      transactions?: CheckoutTransactionLike[] | null;
      billingAddress?: { phone?: string | null } | null;
      shippingAddress?: { phone?: string | null } | null;
    } | null;
  } | null;
}

export interface PixelPayload {
  accountID: string;
  eventId: string;
  name: ForwardedEventName;
  timestamp: string;
  checkoutToken: string | null;
  orderId: string | null;
  email: string | null;
  phone: string | null;
  gateways: string[];
}

const MAX_GATEWAYS = 10;
const MAX_NAME = 100;

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);

/**
 * The gateway names of the checkout's transactions: the provider's `gateway` (e.g.
 * "Cash on Delivery (COD)", "shopify_payments") and, where Checkout Extensibility adds
 * it, the payment method's name and type (e.g. "paymentOnDelivery"). De-duplicated.
 */
export function gatewaysOf(transactions: CheckoutTransactionLike[] | null | undefined): string[] {
  const names = new Set<string>();
  for (const transaction of transactions ?? []) {
    for (const name of [transaction?.gateway, transaction?.paymentMethod?.name, transaction?.paymentMethod?.type]) {
      const value = text(name);
      if (value) names.add(value.slice(0, MAX_NAME));
    }
  }
  return [...names].slice(0, MAX_GATEWAYS);
}

/** Shopify's order id is a gid on some surfaces and a bare number on others: keep the number. */
function orderNumberOf(id: unknown): string | null {
  const value = text(id);
  if (!value) return null;
  const match = /(\d+)(?:\?.*)?$/.exec(value);
  return match ? match[1] : value;
}

/**
 * The body for one event, or null when the event is not one we forward or lacks what the
 * endpoint needs to store it once (its id) or to name the shop (the account id).
 */
export function toPixelPayload(event: CheckoutEventLike, accountID: unknown): PixelPayload | null {
  const name = event.name;
  if (!FORWARDED_EVENTS.includes(name as ForwardedEventName)) return null;
  const account = text(accountID);
  const eventId = text(event.id);
  if (!account || !eventId) return null;
  const checkout = event.data?.checkout ?? null;
  return {
    accountID: account,
    eventId,
    name: name as ForwardedEventName,
    timestamp: text(event.timestamp) ?? new Date().toISOString(),
    checkoutToken: text(checkout?.token),
    // Shopify sets the order id only on checkout_completed.
    orderId: orderNumberOf(checkout?.order?.id),
    email: text(checkout?.email),
    // The contact phone, else the one on the shipping or billing address (COD buyers often give it there).
    phone: text(checkout?.phone) ?? text(checkout?.shippingAddress?.phone) ?? text(checkout?.billingAddress?.phone),
    gateways: gatewaysOf(checkout?.transactions),
  };
}
