// Order fulfillments (OrderFulfillmentsRestController, WooCommerce 10.1+):
// the store-native place for tracking numbers. The data store insists on an
// `_items` meta of {item_id, qty} and a status of fulfilled/unfulfilled.
import { invalidOrderId, orderOf, type MetaInput } from "./orders";
import { mysqlDate } from "./php";
import { READ_METHODS, restError, type RestContext, type RestReply, type RestRoute } from "./rest";
import type { WooFulfillment, WooMeta } from "./state";

function fulfillmentJson(fulfillment: WooFulfillment) {
  return {
    id: fulfillment.id,
    fulfillment_id: fulfillment.id,
    entity_type: "WC_Order",
    entity_id: String(fulfillment.order_id),
    status: fulfillment.status,
    is_fulfilled: fulfillment.is_fulfilled,
    date_updated: fulfillment.date_updated,
    date_deleted: fulfillment.date_deleted,
    meta_data: structuredClone(fulfillment.meta_data),
  };
}

/** FulfillmentsDataStore::validate_items(): an `_items` meta of {item_id, qty} is required. */
function fulfillmentProblem(status: unknown, meta: WooMeta[]): string | null {
  if (status !== "fulfilled" && status !== "unfulfilled") return "Invalid fulfillment status.";
  const items = meta.find((entry) => entry.key === "_items")?.value;
  if (!items || (Array.isArray(items) && items.length === 0)) return "The fulfillment should contain at least one item.";
  if (!Array.isArray(items)) return "The fulfillment items should be an array.";
  for (const item of items) {
    const { item_id: itemId, qty } = (item ?? {}) as { item_id?: unknown; qty?: unknown };
    if (!Number.isInteger(itemId) || typeof qty !== "number" || (itemId as number) <= 0 || qty <= 0) return "Invalid item.";
  }
  return null;
}

function fulfillmentError(message: string): RestReply {
  return restError(400, "woocommerce_rest_fulfillment_error", message);
}

function metaFrom(ctx: RestContext, raw: unknown): WooMeta[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((item): item is MetaInput => !!item && typeof item === "object" && typeof (item as MetaInput).key === "string")
    .map((item) => ({ id: ctx.state.nextMetaId(), key: item.key, value: item.value ?? null }));
}

function createFulfillment(ctx: RestContext): RestReply {
  const order = orderOf(ctx, "order_id")!;
  const body = ctx.body ?? {};
  const meta = metaFrom(ctx, body.meta_data);
  const isFulfilled = body.is_fulfilled === true;
  const problem = fulfillmentProblem(body.status, meta);
  if (problem) return fulfillmentError(problem);
  const now = mysqlDate(ctx.state.now());
  if (isFulfilled) meta.push({ id: ctx.state.nextMetaId(), key: "_date_fulfilled", value: now });
  const fulfillment: WooFulfillment = {
    id: ctx.state.nextFulfillmentId(),
    order_id: order.id,
    status: String(body.status),
    is_fulfilled: isFulfilled,
    date_updated: now,
    date_deleted: null,
    meta_data: meta,
    notify_customer: body.notify_customer === true,
  };
  ctx.state.fulfillments.push(fulfillment);
  return { status: 201, body: fulfillmentJson(fulfillment) };
}

function fulfillmentOf(ctx: RestContext): WooFulfillment | undefined {
  return ctx.state.fulfillments.find(
    (fulfillment) => fulfillment.id === Number(ctx.params.fulfillment_id) && fulfillment.order_id === Number(ctx.params.order_id) && !fulfillment.date_deleted,
  );
}

function updateFulfillment(ctx: RestContext): RestReply {
  const fulfillment = fulfillmentOf(ctx);
  if (!fulfillment) return fulfillmentError("Fulfillment not found.");
  const body = ctx.body ?? {};
  const status = body.status ?? fulfillment.status;
  let meta = fulfillment.meta_data;
  if (Array.isArray(body.meta_data)) {
    // Keys in the request are updated, keys missing from it are removed.
    const given = metaFrom(ctx, body.meta_data);
    meta = given.map((entry) => ({ ...entry, id: fulfillment.meta_data.find((old) => old.key === entry.key)?.id ?? entry.id }));
  }
  const problem = fulfillmentProblem(status, meta);
  if (problem) return fulfillmentError(problem);
  const now = mysqlDate(ctx.state.now());
  fulfillment.status = String(status);
  if (typeof body.is_fulfilled === "boolean") fulfillment.is_fulfilled = body.is_fulfilled;
  if (fulfillment.is_fulfilled && !meta.some((entry) => entry.key === "_date_fulfilled")) meta.push({ id: ctx.state.nextMetaId(), key: "_date_fulfilled", value: now });
  fulfillment.meta_data = meta;
  fulfillment.date_updated = now;
  return { status: 200, body: fulfillmentJson(fulfillment) };
}

/** The controller looks the order up before its permission check, so an unknown order is a 404 for anyone. */
const orderMustExist = (ctx: RestContext): RestReply | null => (orderOf(ctx, "order_id") ? null : invalidOrderId());

/** Registered only while the store has the fulfillments API (WooCommerce 10.1+). */
export const fulfillmentRoutes: RestRoute[] = [
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/fulfillments$/,
    capability: "view",
    precheck: orderMustExist,
    handle: (ctx) => ({
      status: 200,
      body: ctx.state.fulfillments.filter((item) => item.order_id === Number(ctx.params.order_id) && !item.date_deleted).map(fulfillmentJson),
    }),
  },
  { methods: ["POST"], pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/fulfillments$/, capability: "create", precheck: orderMustExist, handle: createFulfillment },
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/fulfillments\/(?<fulfillment_id>\d+)$/,
    capability: "view",
    precheck: orderMustExist,
    handle: (ctx) => {
      const fulfillment = fulfillmentOf(ctx);
      return fulfillment ? { status: 200, body: fulfillmentJson(fulfillment) } : fulfillmentError("Fulfillment not found.");
    },
  },
  {
    methods: ["PUT", "PATCH", "POST"],
    pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/fulfillments\/(?<fulfillment_id>\d+)$/,
    capability: "edit",
    precheck: orderMustExist,
    handle: updateFulfillment,
  },
];

