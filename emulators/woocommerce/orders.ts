// Orders in WooCommerce's v3 REST shape, their status side effects (date_paid,
// date_completed, stock reduced once and restored on cancellation) and the
// /orders routes: list with pagination, read, update.
import { randomBytes } from "node:crypto";
import { wooDate } from "./php";
import { adjustStock } from "./products";
import { Args, EDIT_METHODS, READ_METHODS, pageArgs, paginate, param, restError, type RestContext, type RestReply, type RestRoute } from "./rest";
import type { WooMeta, WooState } from "./state";

export const ORDER_STATUSES = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface WooBilling {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email: string;
  phone: string;
}
export type WooShipping = Omit<WooBilling, "email">;

export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class: string;
  subtotal: string;
  subtotal_tax: string;
  total: string;
  total_tax: string;
  taxes: unknown[];
  meta_data: WooMeta[];
  sku: string;
  price: number;
  image: { id: string | number; src: string };
  parent_name: string | null;
}

export interface WooShippingLine {
  id: number;
  method_title: string;
  method_id: string;
  instance_id: string;
  total: string;
  total_tax: string;
  taxes: unknown[];
  meta_data: WooMeta[];
}

export interface WooOrder {
  id: number;
  parent_id: number;
  status: OrderStatus;
  currency: string;
  version: string;
  prices_include_tax: boolean;
  date_created: string;
  date_modified: string;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  customer_id: number;
  order_key: string;
  billing: WooBilling;
  shipping: WooShipping;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  customer_ip_address: string;
  customer_user_agent: string;
  created_via: string;
  customer_note: string;
  date_completed: string | null;
  date_paid: string | null;
  cart_hash: string;
  number: string;
  meta_data: WooMeta[];
  line_items: WooLineItem[];
  tax_lines: unknown[];
  shipping_lines: WooShippingLine[];
  fee_lines: unknown[];
  coupon_lines: unknown[];
  refunds: unknown[];
  payment_url: string;
  is_editable: boolean;
  needs_payment: boolean;
  needs_processing: boolean;
  date_created_gmt: string;
  date_modified_gmt: string;
  date_completed_gmt: string | null;
  date_paid_gmt: string | null;
  currency_symbol: string;
}

export type MetaInput = { key: string; value: unknown; id?: number };

export type WooOrderInput = Partial<Omit<WooOrder, "billing" | "shipping" | "line_items" | "shipping_lines" | "meta_data">> & {
  billing?: Partial<WooBilling>;
  shipping?: Partial<WooShipping>;
  line_items?: Array<Partial<WooLineItem>>;
  shipping_lines?: Array<Partial<WooShippingLine>>;
  meta_data?: MetaInput[];
  /** As in POST /orders: marks the order paid (processing, date_paid). */
  set_paid?: boolean;
};

/** What an admin edit or PUT /orders/<id> may change. */
export interface WooOrderPatch {
  status?: OrderStatus;
  meta_data?: MetaInput[];
  customer_note?: string;
  billing?: Partial<WooBilling>;
  shipping?: Partial<WooShipping>;
  transaction_id?: string;
  payment_method?: string;
  payment_method_title?: string;
  /** Marks the order paid (payment_complete()): processing and date_paid. */
  set_paid?: boolean;
}

const PAYMENT_TITLES: Record<string, string> = {
  cod: "Cash on delivery",
  bacs: "Direct bank transfer",
  cheque: "Check payments",
  stripe: "Credit Card (Stripe)",
  ppcp: "PayPal",
};
const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", CAD: "$", AUD: "$", INR: "₹" };
const PAID_STATUSES: OrderStatus[] = ["processing", "completed"];
const STOCK_REDUCING: OrderStatus[] = ["processing", "completed", "on-hold"];
const STOCK_RESTORING: OrderStatus[] = ["cancelled", "pending"];

const money = (value: number): string => value.toFixed(2);

/** A REST date ("2026-11-20T10:00:00", UTC) or any ISO string, as epoch ms. */
function parseDate(value: string): number {
  return Date.parse(/([Zz]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
}

function buildLineItem(state: WooState, input: Partial<WooLineItem>): WooLineItem {
  const item = input.sku ? state.findBySku(input.sku) : undefined;
  const parent = item?.type === "variation" ? state.products.get(item.parent_id) : undefined;
  const quantity = input.quantity ?? 1;
  const price = input.price ?? Number(item?.price ?? 25);
  const subtotal = input.subtotal ?? money(price * quantity);
  return {
    id: input.id ?? state.nextItemId(),
    name: input.name ?? item?.name ?? "Canvas tote",
    product_id: input.product_id ?? (item?.type === "variation" ? item.parent_id : (item?.id ?? 0)),
    variation_id: input.variation_id ?? (item?.type === "variation" ? item.id : 0),
    quantity,
    tax_class: input.tax_class ?? "",
    subtotal,
    subtotal_tax: input.subtotal_tax ?? "0.00",
    total: input.total ?? subtotal,
    total_tax: input.total_tax ?? "0.00",
    taxes: input.taxes ?? [],
    meta_data: input.meta_data ?? [],
    sku: input.sku ?? "SKU-1",
    price,
    image: input.image ?? { id: "", src: "" },
    parent_name: input.parent_name ?? parent?.name ?? null,
  };
}

function buildShippingLine(state: WooState, input: Partial<WooShippingLine>): WooShippingLine {
  return {
    id: input.id ?? state.nextItemId(),
    method_title: input.method_title ?? "Flat rate",
    method_id: input.method_id ?? "flat_rate",
    instance_id: input.instance_id ?? "1",
    total: input.total ?? "5.00",
    total_tax: input.total_tax ?? "0.00",
    taxes: input.taxes ?? [],
    meta_data: input.meta_data ?? [],
  };
}

const BILLING: WooBilling = {
  first_name: "Sam",
  last_name: "Buyer",
  company: "",
  address_1: "1 Main St",
  address_2: "",
  city: "Springfield",
  state: "IL",
  postcode: "62701",
  country: "US",
  email: "buyer@example.com",
  phone: "+15555550100",
};

/** A new order with a checkout's defaults: processing, one line with a SKU, a shipping address, cash on delivery. */
export function buildOrder(state: WooState, input: WooOrderInput): WooOrder {
  const id = input.id ?? state.nextPostId();
  if (state.order(id)) throw new Error(`order ${id} exists`);
  const created = input.date_created_gmt ?? input.date_created;
  const createdMs = created ? parseDate(created) : state.now();
  const modified = input.date_modified_gmt ?? input.date_modified;
  const modifiedMs = modified ? parseDate(modified) : createdMs;
  const lineItems = (input.line_items ?? [{}]).map((line) => buildLineItem(state, line));
  const shippingLines = (input.shipping_lines ?? [{}]).map((line) => buildShippingLine(state, line));
  const shippingTotal = input.shipping_total ?? money(shippingLines.reduce((sum, line) => sum + Number(line.total), 0));
  const discountTotal = input.discount_total ?? "0.00";
  const itemsTotal = lineItems.reduce((sum, line) => sum + Number(line.total), 0);
  const total = input.total ?? money(itemsTotal + Number(shippingTotal) - Number(discountTotal));
  const { first_name, last_name, company, address_1, address_2, city, state: region, postcode, country, phone } = { ...BILLING, ...input.billing };
  const paymentMethod = input.payment_method ?? "cod";
  const currency = input.currency ?? state.currency;
  const orderKey = input.order_key ?? `wc_order_${randomBytes(7).toString("base64url").slice(0, 13)}`;
  const order: WooOrder = {
    id,
    parent_id: input.parent_id ?? 0,
    status: "pending",
    currency,
    version: state.version,
    prices_include_tax: input.prices_include_tax ?? false,
    date_created: wooDate(createdMs),
    date_modified: wooDate(modifiedMs),
    discount_total: discountTotal,
    discount_tax: input.discount_tax ?? "0.00",
    shipping_total: shippingTotal,
    shipping_tax: input.shipping_tax ?? "0.00",
    cart_tax: input.cart_tax ?? "0.00",
    total,
    total_tax: input.total_tax ?? "0.00",
    customer_id: input.customer_id ?? 0,
    order_key: orderKey,
    billing: { ...BILLING, ...input.billing },
    shipping: { first_name, last_name, company, address_1, address_2, city, state: region, postcode, country, phone, ...input.shipping },
    payment_method: paymentMethod,
    payment_method_title: input.payment_method_title ?? PAYMENT_TITLES[paymentMethod] ?? paymentMethod,
    transaction_id: input.transaction_id ?? "",
    customer_ip_address: input.customer_ip_address ?? "203.0.113.7",
    customer_user_agent: input.customer_user_agent ?? "Mozilla/5.0 (X11; Linux x86_64)",
    created_via: input.created_via ?? "checkout",
    customer_note: input.customer_note ?? "",
    date_completed: null,
    date_paid: null,
    cart_hash: input.cart_hash ?? randomBytes(16).toString("hex"),
    number: input.number ?? String(id),
    meta_data: [],
    line_items: lineItems,
    tax_lines: input.tax_lines ?? [],
    shipping_lines: shippingLines,
    fee_lines: input.fee_lines ?? [],
    coupon_lines: input.coupon_lines ?? [],
    refunds: input.refunds ?? [],
    payment_url: `${state.homeUrl}/checkout/order-pay/${id}/?pay_for_order=true&key=${orderKey}`,
    is_editable: false,
    needs_payment: false,
    needs_processing: true,
    date_created_gmt: wooDate(createdMs),
    date_modified_gmt: wooDate(modifiedMs),
    date_completed_gmt: null,
    date_paid_gmt: null,
    currency_symbol: SYMBOLS[currency] ?? currency,
  };
  mergeMeta(state, order, input.meta_data ?? []);
  setStatus(state, order, input.set_paid ? "processing" : (input.status ?? "processing"), createdMs);
  const paid = input.date_paid_gmt ?? input.date_paid;
  if (paid !== undefined) order.date_paid = order.date_paid_gmt = paid === null ? null : wooDate(parseDate(paid));
  const completed = input.date_completed_gmt ?? input.date_completed;
  if (completed !== undefined) order.date_completed = order.date_completed_gmt = completed === null ? null : wooDate(parseDate(completed));
  return order;
}

/** update_meta_data(): by id when given, else the first meta with the key (later duplicates dropped), else a new row. */
function mergeMeta(state: WooState, order: { meta_data: WooMeta[] }, changes: MetaInput[]): void {
  for (const change of changes) {
    const byId = change.id ? order.meta_data.find((meta) => meta.id === change.id) : undefined;
    if (byId) {
      byId.key = change.key;
      byId.value = change.value ?? null;
      continue;
    }
    const sameKey = order.meta_data.filter((meta) => meta.key === change.key);
    if (sameKey.length > 0) {
      sameKey[0].value = change.value ?? null;
      order.meta_data = order.meta_data.filter((meta) => meta.key !== change.key || meta === sameKey[0]);
    } else {
      order.meta_data.push({ id: state.nextMetaId(), key: change.key, value: change.value ?? null });
    }
  }
}

function stockItem(state: WooState, line: WooLineItem) {
  return line.variation_id ? state.variations.get(line.variation_id) : state.products.get(line.product_id);
}

/** A status change with WooCommerce's side effects. */
function setStatus(state: WooState, order: WooOrder, status: OrderStatus, ms = state.now()): void {
  order.status = status;
  if (PAID_STATUSES.includes(status) && !order.date_paid) order.date_paid = order.date_paid_gmt = wooDate(ms);
  if (status === "completed" && !order.date_completed) order.date_completed = order.date_completed_gmt = wooDate(ms);
  // wc_maybe_reduce_stock_levels / wc_maybe_increase_stock_levels.
  if (STOCK_REDUCING.includes(status) && !state.stockReduced.has(order.id)) {
    for (const line of order.line_items) {
      const item = stockItem(state, line);
      if (item) adjustStock(state, item, -line.quantity);
    }
    state.stockReduced.add(order.id);
  } else if (STOCK_RESTORING.includes(status) && state.stockReduced.has(order.id)) {
    for (const line of order.line_items) {
      const item = stockItem(state, line);
      if (item) adjustStock(state, item, line.quantity);
    }
    state.stockReduced.delete(order.id);
  }
  order.is_editable = ["pending", "on-hold", "checkout-draft"].includes(status);
  order.needs_payment = ["pending", "failed"].includes(status) && Number(order.total) > 0;
}

/** An edit: the changes, then date_modified bumped (never backwards, whole seconds like MySQL). */
export function applyOrderChanges(state: WooState, order: WooOrder, patch: WooOrderPatch): void {
  if (patch.billing) order.billing = { ...order.billing, ...patch.billing };
  if (patch.shipping) order.shipping = { ...order.shipping, ...patch.shipping };
  if (patch.customer_note !== undefined) order.customer_note = patch.customer_note;
  if (patch.transaction_id !== undefined) order.transaction_id = patch.transaction_id;
  if (patch.payment_method !== undefined) order.payment_method = patch.payment_method;
  if (patch.payment_method_title !== undefined) order.payment_method_title = patch.payment_method_title;
  if (patch.meta_data) mergeMeta(state, order, patch.meta_data);
  if (patch.set_paid) {
    setStatus(state, order, "processing");
    if (!order.date_paid) order.date_paid = order.date_paid_gmt = wooDate(state.now());
  }
  if (patch.status) setStatus(state, order, patch.status);
  const ms = Math.max(state.now(), parseDate(order.date_modified_gmt));
  order.date_modified = order.date_modified_gmt = wooDate(ms);
}

export function orderJson(state: WooState, order: WooOrder): WooOrder & { _links: unknown } {
  const collection = `${state.homeUrl}/wp-json/wc/v3/orders`;
  return { ...structuredClone(order), _links: { self: [{ href: `${collection}/${order.id}` }], collection: [{ href: collection }] } };
}

// Routes ---------------------------------------------------------------------

export const ORDERS = "/wc/v3/orders";
const invalidOrder = (status: number) => restError(status, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
/** What the notes and fulfillments controllers answer for an unknown order. */
export const invalidOrderId = () => restError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.");

export function orderOf(ctx: RestContext, name = "id"): WooOrder | undefined {
  return ctx.state.order(Number(ctx.params[name]));
}

function listArgs(ctx: RestContext) {
  const args = new Args(ctx);
  const paging = pageArgs(args);
  return {
    args,
    ...paging,
    status: args.list("status", ["any", "trash", ...ORDER_STATUSES], ["any"]),
    order: args.oneOf("order", ["asc", "desc"] as const, "desc"),
    orderby: args.oneOf("orderby", ["date", "id", "include", "title", "slug", "modified"] as const, "date"),
    after: args.date("after"),
    before: args.date("before"),
    modifiedAfter: args.date("modified_after"),
    modifiedBefore: args.date("modified_before"),
    // Both columns hold the same instant here: the store's timezone is UTC.
    datesAreGmt: args.boolean("dates_are_gmt", false),
    include: args.list("include", null, []).map(Number),
    customer: args.integer("customer", {}),
  };
}

function listOrders(ctx: RestContext): RestReply {
  const query = listArgs(ctx);
  const error = query.args.error();
  if (error) return error;
  const seconds = (date: string) => parseDate(date);
  let orders = ctx.state.orders.filter((order) => (query.status.includes("any") ? order.status !== "checkout-draft" : query.status.includes(order.status)));
  // WP_Date_Query "after"/"before" are exclusive.
  if (query.after !== undefined) orders = orders.filter((order) => seconds(order.date_created_gmt) > query.after!);
  if (query.before !== undefined) orders = orders.filter((order) => seconds(order.date_created_gmt) < query.before!);
  if (query.modifiedAfter !== undefined) orders = orders.filter((order) => seconds(order.date_modified_gmt) > query.modifiedAfter!);
  if (query.modifiedBefore !== undefined) orders = orders.filter((order) => seconds(order.date_modified_gmt) < query.modifiedBefore!);
  if (query.include.length > 0) orders = orders.filter((order) => query.include.includes(order.id));
  if (query.customer !== undefined) orders = orders.filter((order) => order.customer_id === query.customer);
  const sign = query.order === "asc" ? 1 : -1;
  const key = (order: WooOrder): string | number =>
    query.orderby === "date" ? order.date_created_gmt : query.orderby === "modified" ? order.date_modified_gmt : order.id;
  const sorted = [...orders].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * sign;
  });
  const page = paginate(ctx, sorted, query.page, query.perPage, ORDERS);
  return { status: 200, body: page.items.map((order) => orderJson(ctx.state, order)), headers: page.headers };
}

function updateOrder(ctx: RestContext): RestReply {
  const order = orderOf(ctx);
  if (!order) return invalidOrder(400);
  const args = new Args(ctx);
  const statusRaw = param(ctx, "status");
  const status = statusRaw === undefined ? undefined : args.oneOf("status", ORDER_STATUSES, order.status);
  const setPaid = args.boolean("set_paid", false);
  const error = args.error();
  if (error) return error;
  const body = ctx.body ?? {};
  const meta = Array.isArray(body.meta_data)
    ? body.meta_data.filter((item): item is MetaInput => !!item && typeof item === "object" && typeof (item as MetaInput).key === "string")
    : undefined;
  const text = (name: string): string | undefined => (typeof body[name] === "string" ? (body[name] as string) : undefined);
  const address = <T>(name: string) => (body[name] && typeof body[name] === "object" ? (body[name] as Partial<T>) : undefined);
  applyOrderChanges(ctx.state, order, {
    status,
    set_paid: setPaid,
    meta_data: meta,
    customer_note: text("customer_note"),
    transaction_id: text("transaction_id"),
    payment_method: text("payment_method"),
    payment_method_title: text("payment_method_title"),
    billing: address<WooBilling>("billing"),
    shipping: address<WooShipping>("shipping"),
  });
  ctx.state.events.schedule("order.updated", order.id);
  return { status: 200, body: orderJson(ctx.state, order) };
}

export const orderRoutes: RestRoute[] = [
  { methods: READ_METHODS, pattern: /^\/wc\/v3\/orders$/, capability: "list", validate: (ctx) => listArgs(ctx).args.error(), handle: listOrders },
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/orders\/(?<id>\d+)$/,
    capability: "view",
    exists: (ctx) => orderOf(ctx) !== undefined,
    handle: (ctx) => {
      const order = orderOf(ctx);
      return order ? { status: 200, body: orderJson(ctx.state, order) } : invalidOrder(404);
    },
  },
  { methods: EDIT_METHODS, pattern: /^\/wc\/v3\/orders\/(?<id>\d+)$/, capability: "edit", exists: (ctx) => orderOf(ctx) !== undefined, handle: updateOrder },
];

