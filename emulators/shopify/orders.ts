// Orders of an emulated shop, and how Shopify shows them: REST-shaped JSON in
// orders/* webhooks, Order nodes in the GraphQL Admin API.
import { fulfillmentOrderFor, type EmulatedFulfillment, type EmulatedFulfillmentOrder } from "./fulfillment";
export interface EmulatedLineItem {
  id: number;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
}

export interface EmulatedOrder {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  currency: string;
  totalPrice: string;
  financialStatus: string;
  /** How many times orderMarkAsPaid changed the order (tests check it is once). */
  markedPaid?: number;
  fulfillmentStatus: string | null;
  gateways: string[];
  customer: { id: number; firstName: string | null; lastName: string | null; email: string | null } | null;
  shippingAddress: Record<string, string | null> | null;
  lineItems: EmulatedLineItem[];
  fulfillmentOrders: EmulatedFulfillmentOrder[];
  fulfillments: EmulatedFulfillment[];
  cancelReason?: string;
  restocked?: boolean;
  staffNote?: string;
  /** What orderCancel was asked: refund to the payment method, Shopify's own email to the buyer. */
  cancelOptions?: { refund: boolean; notifyCustomer: boolean };
}

let nextId = 450789469;

export function newOrder(shopOrderCount: number, overrides: Partial<EmulatedOrder> = {}): EmulatedOrder {
  const now = new Date().toISOString();
  const id = nextId++;
  const lineItems = overrides.lineItems ?? [{ id: id * 10 + 1, sku: "SKU-1", title: "Canvas tote", quantity: 1, price: "25.00" }];
  const total = lineItems.reduce((sum, line) => sum + Number(line.price) * line.quantity, 0).toFixed(2);
  const order: EmulatedOrder = {
    id,
    name: `#${1001 + shopOrderCount}`,
    email: "buyer@example.com",
    phone: "+15555550100",
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    currency: "USD",
    totalPrice: total,
    financialStatus: "pending",
    fulfillmentStatus: null,
    gateways: ["Cash on Delivery (COD)"],
    customer: { id: id + 7, firstName: "Sam", lastName: "Buyer", email: "buyer@example.com" },
    shippingAddress: { first_name: "Sam", last_name: "Buyer", address1: "1 Main St", city: "Springfield", province: "IL", province_code: "IL", country: "United States", country_code: "US", zip: "62701", phone: "+15555550100" },
    lineItems,
    fulfillmentOrders: [],
    fulfillments: [],
    ...overrides,
  };
  if (order.fulfillmentOrders.length === 0) order.fulfillmentOrders = [fulfillmentOrderFor(order)];
  return order;
}

export function webhookPayload(order: EmulatedOrder) {
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    email: order.email,
    phone: order.phone,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    currency: order.currency,
    total_price: order.totalPrice,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    payment_gateway_names: order.gateways,
    customer: order.customer && {
      id: order.customer.id,
      first_name: order.customer.firstName,
      last_name: order.customer.lastName,
      email: order.customer.email,
    },
    shipping_address: order.shippingAddress,
    line_items: order.lineItems.map((line) => ({ ...line, fulfillable_quantity: line.quantity })),
  };
}

const money = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

export function graphqlNode(order: EmulatedOrder) {
  const address = order.shippingAddress;
  return {
    id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    email: order.email,
    phone: order.phone,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    displayFinancialStatus: order.financialStatus.toUpperCase(),
    displayFulfillmentStatus: (order.fulfillmentStatus ?? "unfulfilled").toUpperCase(),
    paymentGatewayNames: order.gateways,
    totalPriceSet: money(order.totalPrice, order.currency),
    customer: order.customer && {
      id: `gid://shopify/Customer/${order.customer.id}`,
      firstName: order.customer.firstName,
      lastName: order.customer.lastName,
    },
    shippingAddress: address && {
      firstName: address.first_name,
      lastName: address.last_name,
      company: address.company ?? null,
      address1: address.address1,
      address2: address.address2 ?? null,
      city: address.city,
      province: address.province,
      provinceCode: address.province_code ?? null,
      country: address.country,
      countryCodeV2: address.country_code ?? null,
      zip: address.zip,
      phone: address.phone,
    },
    lineItems: (args: { first?: number }) => ({
      pageInfo: { hasNextPage: order.lineItems.length > (args.first ?? 250) },
      nodes: order.lineItems.slice(0, args.first ?? 250).map((line) => ({
        id: `gid://shopify/LineItem/${line.id}`,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        originalUnitPriceSet: money(line.price, order.currency),
      })),
    }),
  };
}

/** Shopify's search syntax, the part reconciliation uses: updated_at:>'ISO' (or >=). */
export function matchesQuery(order: EmulatedOrder, query: string | undefined): boolean {
  if (!query) return true;
  const match = /updated_at:(>=?)'?([^'\s]+)'?/.exec(query);
  if (!match) return true;
  const since = Date.parse(match[2]);
  const updated = Date.parse(order.updatedAt);
  return match[1] === ">=" ? updated >= since : updated > since;
}
