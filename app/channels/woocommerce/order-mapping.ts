// WooCommerce orders (REST v3 order JSON, which order webhooks also carry) → our
// NormalizedOrder. Pure: no I/O. The schema is lenient: it keeps unknown fields and
// requires only what the mapping reads, so a store with extra plugins still parses.
import { z } from "zod";
import { isCashOnDelivery, type NormalizedOrder } from "../../orders/order-types";

const wooId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const money = z.union([z.string(), z.number()]);
const amount = money.refine((value) => value !== "" && Number.isFinite(Number(value)), "not an amount");
const text = z.string().nullable().optional();

const addressSchema = z
  .object({
    first_name: text,
    last_name: text,
    company: text,
    address_1: text,
    address_2: text,
    city: text,
    state: text,
    postcode: text,
    country: text,
    email: text,
    phone: text,
  })
  .loose();

const lineSchema = z
  .object({
    id: wooId,
    name: z.string(),
    sku: text,
    quantity: z.number().int().min(0),
    /** Unit price after discounts, excluding tax; absent on some older stores. */
    price: money.nullable().optional(),
    total: money.nullable().optional(),
    meta_data: z
      .array(z.object({ key: z.string(), value: z.unknown() }).loose())
      .nullable()
      .optional(),
  })
  .loose();

export const wooOrderSchema = z
  .object({
    id: wooId,
    number: z.union([z.string(), z.number()]).nullable().optional(),
    status: z.string(),
    currency: z.string(),
    total: amount,
    customer_id: wooId.nullable().optional(),
    billing: addressSchema.nullable().optional(),
    shipping: addressSchema.nullable().optional(),
    payment_method: text,
    date_created_gmt: z.string(),
    date_modified_gmt: text,
    date_paid_gmt: text,
    refunds: z.array(z.unknown()).nullable().optional(),
    line_items: z.array(lineSchema),
  })
  .loose();

export type WooOrder = z.infer<typeof wooOrderSchema>;
type WooAddress = z.infer<typeof addressSchema>;

const filled = (value: string | null | undefined): string | null => (value && value.trim() ? value.trim() : null);

/** WooCommerce's *_gmt fields are UTC but carry no zone suffix ("2026-11-20T15:00:00"). */
function gmtDate(value: string): Date {
  const date = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`WooCommerce sent an unreadable date: ${value}`);
  return date;
}

function fullName(first?: string | null, last?: string | null): string | null {
  return filled([first, last].filter(Boolean).join(" "));
}

/** A street-level field, not just the country that WooCommerce pre-fills for digital orders. */
const hasAddress = (a: WooAddress | null | undefined) => Boolean(a && (filled(a.address_1) || filled(a.address_2) || filled(a.city) || filled(a.postcode)));

/** Shopify's REST address keys, so every channel's address reads the same. WooCommerce gives only codes for country and state. */
function addressOf(address: WooAddress, phoneFallback: string | null): Record<string, unknown> {
  return {
    first_name: filled(address.first_name),
    last_name: filled(address.last_name),
    name: fullName(address.first_name, address.last_name),
    company: filled(address.company),
    address1: filled(address.address_1),
    address2: filled(address.address_2),
    city: filled(address.city),
    province: filled(address.state),
    province_code: filled(address.state),
    zip: filled(address.postcode),
    country: filled(address.country),
    country_code: filled(address.country),
    // The shipping phone exists only since WooCommerce 5.6; a carrier needs one, so the billing phone stands in.
    phone: filled(address.phone) ?? phoneFallback,
  };
}

/**
 * WooCommerce has no payment status, only the order status; this reads it in
 * Shopify's vocabulary (the orders filter uses it):
 * - refunded → "refunded"; a paid order with refunds listed → "partially_refunded".
 * - paid: a non-COD order with date_paid, or in processing/completed (WooCommerce moves
 *   an order there on payment, and imported orders may lack date_paid).
 * - COD is never "paid": WooCommerce stamps date_paid when a COD order enters processing,
 *   before any cash is collected, and nothing in the order records the collection.
 *   Like a Shopify COD order it stays "pending".
 * - cancelled without payment → "voided" (Shopify's word for a payment that will not come).
 * - pending, on-hold, failed and anything else unpaid → "pending".
 */
function financialStatus(order: WooOrder, cod: boolean): string {
  if (order.status === "refunded") return "refunded";
  const paid = !cod && (Boolean(filled(order.date_paid_gmt)) || order.status === "processing" || order.status === "completed");
  if (paid) return order.refunds?.length ? "partially_refunded" : "paid";
  return order.status === "cancelled" ? "voided" : "pending";
}

function unitPrice(line: WooOrder["line_items"][number]): string {
  const price = line.price === "" || line.price == null ? NaN : Number(line.price);
  if (Number.isFinite(price)) return price.toFixed(2);
  const total = Number(line.total ?? 0) || 0;
  return (line.quantity > 0 ? total / line.quantity : total).toFixed(2);
}

export function orderFromWoo(order: WooOrder): NormalizedOrder {
  const billing: WooAddress = order.billing ?? {};
  const paymentGateway = filled(order.payment_method);
  const cod = isCashOnDelivery(paymentGateway); // WooCommerce's core COD method is "cod"
  const billingPhone = filled(billing.phone);
  // Orders without shipping (digital, local pickup) leave `shipping` blank: the billing address is the one to use.
  const address = [order.shipping, billing].find(hasAddress);
  const shippingAddress = address ? addressOf(address, billingPhone) : null;
  const updatedAt = gmtDate(filled(order.date_modified_gmt) ?? order.date_created_gmt);
  return {
    externalOrderId: String(order.id),
    name: `#${filled(order.number == null ? null : String(order.number)) ?? order.id}`,
    // 0 is WooCommerce's guest checkout.
    customerExternalId: order.customer_id ? String(order.customer_id) : null,
    customerName: fullName(billing.first_name, billing.last_name),
    email: filled(billing.email),
    phone: billingPhone,
    shippingAddress,
    paymentGateway,
    cod,
    financialStatus: financialStatus(order, cod),
    fulfillmentStatus: order.status === "completed" ? "fulfilled" : null,
    totalPrice: Number(order.total).toFixed(2),
    currency: order.currency,
    // WooCommerce keeps no cancellation date; the last modification is when it became cancelled or later.
    cancelledAt: order.status === "cancelled" ? updatedAt : null,
    createdAt: gmtDate(order.date_created_gmt),
    updatedAt,
    lines: order.line_items.map((line) => ({
      externalLineId: String(line.id),
      sku: filled(line.sku),
      title: line.name,
      quantity: line.quantity,
      price: unitPrice(line),
    })),
    linesComplete: true,
  };
}

/**
 * Units of each line that WooCommerce's refunds put back in stock so far: the
 * `_restock_refunded_items` meta it keeps on the order line (a running total).
 */
export function wooRestockedUnits(order: WooOrder): Array<{ externalLineId: string; total: number }> {
  return order.line_items.flatMap((line) => {
    const meta = line.meta_data?.find((entry) => entry.key === "_restock_refunded_items");
    const total = Number(meta?.value ?? 0);
    return Number.isInteger(total) && total > 0 ? [{ externalLineId: String(line.id), total }] : [];
  });
}
