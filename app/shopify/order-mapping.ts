// Shopify orders → our NormalizedOrder. Pure: no I/O. Two shapes arrive: the
// REST-shaped JSON of orders/* webhooks, and GraphQL Admin API nodes from
// reconciliation. Both are validated, so a malformed payload is a clear error.
import { z } from "zod";
import { isCashOnDelivery, type NormalizedOrder } from "../orders/order-types";

const money = z.union([z.string(), z.number()]).transform((value) => Number(value).toFixed(2));
const id = z.union([z.string(), z.number()]).transform(String);
const address = z.record(z.string(), z.unknown()).nullable().optional();

export const webhookOrderSchema = z.object({
  id,
  name: z.string(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  cancelled_at: z.string().nullable().optional(),
  currency: z.string(),
  total_price: money,
  financial_status: z.string().nullable().optional(),
  fulfillment_status: z.string().nullable().optional(),
  payment_gateway_names: z.array(z.string()).optional().default([]),
  customer: z
    .object({ id, first_name: z.string().nullable().optional(), last_name: z.string().nullable().optional() })
    .nullable()
    .optional(),
  shipping_address: address,
  line_items: z.array(
    z.object({
      id,
      sku: z.string().nullable().optional(),
      title: z.string(),
      quantity: z.number().int().min(0),
      price: money,
    }),
  ),
});

function fullName(first?: string | null, last?: string | null): string | null {
  const name = [first, last].filter(Boolean).join(" ").trim();
  return name || null;
}

export function orderFromWebhook(payload: unknown): NormalizedOrder {
  const order = webhookOrderSchema.parse(payload);
  const gateway = order.payment_gateway_names[0] ?? null;
  return {
    externalOrderId: order.id,
    name: order.name,
    customerExternalId: order.customer?.id ?? null,
    customerName: fullName(order.customer?.first_name, order.customer?.last_name),
    email: order.email ?? null,
    phone: order.phone ?? null,
    shippingAddress: order.shipping_address ?? null,
    paymentGateway: gateway,
    cod: order.payment_gateway_names.some(isCashOnDelivery),
    financialStatus: order.financial_status ?? null,
    fulfillmentStatus: order.fulfillment_status ?? null,
    totalPrice: order.total_price,
    currency: order.currency,
    cancelledAt: order.cancelled_at ? new Date(order.cancelled_at) : null,
    createdAt: new Date(order.created_at),
    updatedAt: new Date(order.updated_at),
    lines: order.line_items.map((line) => ({
      externalLineId: line.id,
      sku: line.sku || null,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
    })),
    linesComplete: true,
  };
}

/** The numeric id at the end of a GraphQL global id (gid://shopify/Order/123 → 123). */
export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

const moneySet = z.object({ shopMoney: z.object({ amount: z.string(), currencyCode: z.string() }) });

export const graphqlOrderSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string().nullable(),
  paymentGatewayNames: z.array(z.string()),
  totalPriceSet: moneySet,
  customer: z.object({ id: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }).nullable(),
  shippingAddress: z.record(z.string(), z.unknown()).nullable(),
  lineItems: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }).optional(),
    nodes: z.array(
      z.object({
        id: z.string(),
        sku: z.string().nullable(),
        title: z.string(),
        quantity: z.number().int().min(0),
        originalUnitPriceSet: moneySet,
      }),
    ),
  }),
});

/** GraphQL's MailingAddress in the webhook's (REST) keys, so every source stores one address shape. */
function addressFromGraphql(address: Record<string, unknown>): Record<string, unknown> {
  const text = (key: string) => (typeof address[key] === "string" ? (address[key] as string) : null);
  return {
    first_name: text("firstName"),
    last_name: text("lastName"),
    company: text("company"),
    address1: text("address1"),
    address2: text("address2"),
    city: text("city"),
    province: text("province"),
    province_code: text("provinceCode"),
    country: text("country"),
    country_code: text("countryCodeV2"),
    zip: text("zip"),
    phone: text("phone"),
  };
}

export function orderFromGraphql(node: unknown): NormalizedOrder {
  const order = graphqlOrderSchema.parse(node);
  return {
    externalOrderId: legacyId(order.id),
    name: order.name,
    customerExternalId: order.customer ? legacyId(order.customer.id) : null,
    customerName: fullName(order.customer?.firstName, order.customer?.lastName),
    email: order.email,
    phone: order.phone,
    shippingAddress: order.shippingAddress ? addressFromGraphql(order.shippingAddress) : null,
    paymentGateway: order.paymentGatewayNames[0] ?? null,
    cod: order.paymentGatewayNames.some(isCashOnDelivery),
    // GraphQL enums (PENDING, PARTIALLY_FULFILLED) in the webhook's lower-case spelling.
    financialStatus: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillmentStatus: order.displayFulfillmentStatus?.toLowerCase() ?? null,
    totalPrice: Number(order.totalPriceSet.shopMoney.amount).toFixed(2),
    currency: order.totalPriceSet.shopMoney.currencyCode,
    cancelledAt: order.cancelledAt ? new Date(order.cancelledAt) : null,
    createdAt: new Date(order.createdAt),
    updatedAt: new Date(order.updatedAt),
    lines: order.lineItems.nodes.map((line) => ({
      externalLineId: legacyId(line.id),
      sku: line.sku || null,
      title: line.title,
      quantity: line.quantity,
      price: Number(line.originalUnitPriceSet.shopMoney.amount).toFixed(2),
    })),
    linesComplete: !order.lineItems.pageInfo?.hasNextPage,
  };
}
