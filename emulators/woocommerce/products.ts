// Products and variations: their REST JSON, stock rules and /products routes.
// Stock follows WC_REST_Products_Controller: stock_quantity only applies when
// stock is managed (or turned on in the same request), stock_quantity wins
// over the undocumented inventory_delta (a read-modify-write, not atomic), and
// turning management off clears the quantity.
import { wooDate } from "./php";
import { Args, EDIT_METHODS, READ_METHODS, pageArgs, paginate, param, restError, type RestContext, type RestReply, type RestRoute } from "./rest";
import type { WooMeta, WooState } from "./state";

export type StockStatus = "instock" | "outofstock" | "onbackorder";

interface Dated {
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
}

interface Stocked extends Dated {
  id: number;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  manage_stock: boolean;
  stock_quantity: number | null;
  stock_status: StockStatus;
  backorders: "no" | "notify" | "yes";
  meta_data: WooMeta[];
}

export interface WooProduct extends Stocked {
  name: string;
  slug: string;
  permalink: string;
  type: "simple" | "variable";
  status: "publish" | "draft" | "private" | "pending";
  parent_id: number;
  variations: number[];
}

export interface WooVariation extends Stocked {
  name: string;
  type: "variation";
  parent_id: number;
  status: "publish" | "private";
  attributes: Array<{ id: number; name: string; option: string }>;
}

export type WooProductInput = Partial<Omit<WooProduct, "variations" | "meta_data">>;
export type WooVariationInput = Partial<Omit<WooVariation, "parent_id" | "type" | "meta_data">>;

/** wc_stock_amount(): intval. */
function stockAmount(value: unknown): number {
  const number = Math.trunc(Number(value));
  return Number.isFinite(number) ? number : 0;
}

function deriveStockStatus(item: Stocked): void {
  if (!item.manage_stock || item.stock_quantity === null) return;
  if (item.stock_quantity > 0) item.stock_status = "instock";
  else item.stock_status = item.backorders === "no" ? "outofstock" : "onbackorder";
}

function touch(state: WooState, item: Dated): void {
  const ms = Math.max(state.now(), Date.parse(`${item.date_modified_gmt}Z`));
  item.date_modified = item.date_modified_gmt = wooDate(ms);
}

function dates(state: WooState, input: Partial<Dated>): Dated {
  const created = input.date_created_gmt ?? input.date_created ?? wooDate(state.now());
  const modified = input.date_modified_gmt ?? input.date_modified ?? created;
  return { date_created: created, date_created_gmt: created, date_modified: modified, date_modified_gmt: modified };
}

function stockFields(input: Partial<Stocked>, manageByDefault: boolean): Omit<Stocked, keyof Dated | "id" | "sku" | "meta_data"> {
  const manage = input.manage_stock ?? manageByDefault;
  const price = input.regular_price ?? input.price ?? "25.00";
  const item = {
    price: input.price ?? (input.sale_price || price),
    regular_price: price,
    sale_price: input.sale_price ?? "",
    manage_stock: manage,
    stock_quantity: manage ? (input.stock_quantity ?? 10) : null,
    stock_status: input.stock_status ?? ("instock" as StockStatus),
    backorders: input.backorders ?? ("no" as const),
  };
  deriveStockStatus(item as Stocked);
  return item;
}

export function buildProduct(state: WooState, input: WooProductInput): WooProduct {
  const id = input.id ?? state.nextPostId();
  const sku = input.sku ?? `SKU-${id}`;
  if (sku !== "" && state.findBySku(sku)) throw new Error(`duplicate SKU ${sku}`);
  const name = input.name ?? `Product ${id}`;
  const slug = input.slug ?? name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const type = input.type ?? "simple";
  return {
    id,
    name,
    slug,
    permalink: `${state.homeUrl}/product/${slug}/`,
    ...dates(state, input),
    type,
    status: input.status ?? "publish",
    sku,
    ...stockFields(input, type === "simple"),
    parent_id: 0,
    variations: [],
    meta_data: [],
  };
}

export function buildVariation(state: WooState, parent: WooProduct, input: WooVariationInput): WooVariation {
  if (parent.type !== "variable") throw new Error(`product ${parent.id} is not variable`);
  const id = input.id ?? state.nextPostId();
  const sku = input.sku ?? `${parent.sku}-${parent.variations.length + 1}`;
  if (sku !== "" && state.findBySku(sku)) throw new Error(`duplicate SKU ${sku}`);
  const option = input.attributes?.[0]?.option ?? `Option ${parent.variations.length + 1}`;
  return {
    id,
    name: input.name ?? `${parent.name} - ${option}`,
    type: "variation",
    parent_id: parent.id,
    status: input.status ?? "publish",
    ...dates(state, input),
    sku,
    ...stockFields(input, true),
    attributes: input.attributes ?? [{ id: 0, name: "Option", option }],
    meta_data: [],
  };
}

/** The merchant types a new stock quantity in wp-admin (stock management turns on, as the form does). */
export function setStockQuantity(state: WooState, item: WooProduct | WooVariation, quantity: number): void {
  item.manage_stock = true;
  item.stock_quantity = stockAmount(quantity);
  deriveStockStatus(item);
  touch(state, item);
}

/** Changes stock by `delta` when stock is managed (order placement or cancellation). */
export function adjustStock(state: WooState, item: WooProduct | WooVariation, delta: number): void {
  if (!item.manage_stock || item.stock_quantity === null) return;
  item.stock_quantity += delta;
  deriveStockStatus(item);
  touch(state, item);
}

export function productJson(state: WooState, product: WooProduct): WooProduct & { _links: unknown } {
  const collection = `${state.homeUrl}/wp-json/wc/v3/products`;
  return { ...structuredClone(product), _links: { self: [{ href: `${collection}/${product.id}` }], collection: [{ href: collection }] } };
}

export function variationJson(state: WooState, variation: WooVariation): WooVariation & { _links: unknown } {
  const parent = `${state.homeUrl}/wp-json/wc/v3/products/${variation.parent_id}`;
  return {
    ...structuredClone(variation),
    _links: { self: [{ href: `${parent}/variations/${variation.id}` }], collection: [{ href: `${parent}/variations` }], up: [{ href: parent }] },
  };
}

function invalidSku(item: { id: number }, sku: string): RestReply {
  return restError(400, "product_invalid_sku", "Invalid or duplicated SKU.", { resource_id: item.id, unique_sku: sku });
}

/** prepare_object_for_database() for the fields the emulator keeps. */
function applyChanges(state: WooState, item: WooProduct | WooVariation, body: Record<string, unknown>): RestReply | null {
  if (body.sku !== undefined && body.sku !== null) {
    const sku = String(body.sku);
    const other = sku === "" ? undefined : state.findBySku(sku);
    if (other && other.id !== item.id) return invalidSku(item, sku);
    item.sku = sku;
  }
  if (typeof body.name === "string") item.name = body.name;
  if (body.regular_price !== undefined) item.regular_price = String(body.regular_price);
  if (body.sale_price !== undefined) item.sale_price = String(body.sale_price);
  if (body.regular_price !== undefined || body.sale_price !== undefined) item.price = item.sale_price || item.regular_price;
  if (typeof body.status === "string" && ["publish", "draft", "private", "pending"].includes(body.status)) item.status = body.status as WooProduct["status"];
  if (body.backorders === "no" || body.backorders === "notify" || body.backorders === "yes") item.backorders = body.backorders;
  if (body.manage_stock !== undefined && body.manage_stock !== null) item.manage_stock = body.manage_stock === true || body.manage_stock === "true" || body.manage_stock === 1 || body.manage_stock === "1";
  if (item.manage_stock) {
    if (body.stock_quantity !== undefined && body.stock_quantity !== null) item.stock_quantity = stockAmount(body.stock_quantity);
    else if (body.inventory_delta !== undefined && body.inventory_delta !== null) item.stock_quantity = stockAmount(item.stock_quantity ?? 0) + stockAmount(body.inventory_delta);
    else if (item.stock_quantity === null) item.stock_quantity = 0;
    deriveStockStatus(item);
  } else {
    item.stock_quantity = null;
    if (body.stock_status === "instock" || body.stock_status === "outofstock" || body.stock_status === "onbackorder") item.stock_status = body.stock_status;
  }
  touch(state, item);
  return null;
}

const PRODUCTS = "/wc/v3/products";
const invalidProduct = (status: number) => restError(status, "woocommerce_rest_product_invalid_id", "Invalid ID.");
const invalidVariation = (status: number) => restError(status, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");

function productOf(ctx: RestContext, name = "id"): WooProduct | undefined {
  return ctx.state.products.get(Number(ctx.params[name]));
}

function variationOf(ctx: RestContext, id: unknown): WooVariation | undefined {
  const variation = ctx.state.variations.get(Number(id));
  return variation && variation.parent_id === Number(ctx.params.product_id) ? variation : undefined;
}

const LIST_ORDERBY = ["date", "id", "include", "title", "slug", "price", "popularity", "rating", "menu_order", "modified"] as const;

function listArgs(ctx: RestContext) {
  const args = new Args(ctx);
  const paging = pageArgs(args);
  const order = args.oneOf("order", ["asc", "desc"] as const, "desc");
  const orderby = args.oneOf("orderby", LIST_ORDERBY, "date");
  return { args, ...paging, order, orderby };
}

function sortItems<T extends Stocked & { name: string }>(items: T[], orderby: string, order: "asc" | "desc"): T[] {
  const sign = order === "asc" ? 1 : -1;
  const field = (item: T): string | number =>
    orderby === "date" ? item.date_created_gmt : orderby === "modified" ? item.date_modified_gmt : orderby === "title" || orderby === "slug" ? item.name : orderby === "price" ? Number(item.price) : item.id;
  return [...items].sort((a, b) => {
    const [x, y] = [field(a), field(b)];
    return (x < y ? -1 : x > y ? 1 : a.id - b.id) * sign;
  });
}

function listProducts(ctx: RestContext): RestReply {
  const { args, page, perPage, order, orderby } = listArgs(ctx);
  const skus = args.list("sku", null, []);
  const error = args.error();
  if (error) return error;
  const type = param(ctx, "type");
  const status = param(ctx, "status");
  let items = [...ctx.state.products.values()];
  // The products query is on the product post type: variation SKUs are not found here.
  if (skus.length > 0) items = items.filter((product) => skus.includes(product.sku) || String(param(ctx, "sku")) === product.sku);
  if (typeof type === "string") items = items.filter((product) => product.type === type);
  if (typeof status === "string" && status !== "any") items = items.filter((product) => product.status === status);
  const result = paginate(ctx, sortItems(items, orderby, order), page, perPage, PRODUCTS);
  return { status: 200, body: result.items.map((product) => productJson(ctx.state, product)), headers: result.headers };
}

function listVariations(ctx: RestContext): RestReply {
  const parent = productOf(ctx, "product_id");
  const { args, page, perPage, order, orderby } = listArgs(ctx);
  const skus = args.list("sku", null, []);
  const error = args.error();
  if (error) return error;
  let items = [...ctx.state.variations.values()].filter((variation) => variation.parent_id === parent?.id);
  if (skus.length > 0) items = items.filter((variation) => skus.includes(variation.sku));
  const result = paginate(ctx, sortItems(items, orderby, order), page, perPage, `${PRODUCTS}/${ctx.params.product_id}/variations`);
  return { status: 200, body: result.items.map((variation) => variationJson(ctx.state, variation)), headers: result.headers };
}

/** One create/update/delete of a batch, or of the single-item routes. */
interface Operations {
  create(item: Record<string, unknown>): RestReply;
  update(id: unknown, item: Record<string, unknown>): RestReply;
  remove(id: number): RestReply;
}

const productOps = (ctx: RestContext): Operations => ({
  create(item) {
    const sku = typeof item.sku === "string" ? item.sku : undefined;
    if (sku && ctx.state.findBySku(sku)) return invalidSku({ id: 0 }, sku);
    const type = item.type === "variable" ? "variable" : "simple";
    const product = ctx.state.createProduct({ name: typeof item.name === "string" ? item.name : undefined, sku: sku ?? "", type, manage_stock: false });
    applyChanges(ctx.state, product, item);
    ctx.state.events.schedule("product.created", product.id);
    return { status: 201, body: productJson(ctx.state, product) };
  },
  update(id, item) {
    const product = ctx.state.products.get(Number(id));
    if (!product) return invalidProduct(400);
    const error = applyChanges(ctx.state, product, item);
    if (error) return error;
    ctx.state.events.schedule("product.updated", product.id);
    return { status: 200, body: productJson(ctx.state, product) };
  },
  remove(id) {
    const product = ctx.state.products.get(id);
    if (!product) return invalidProduct(404);
    const body = productJson(ctx.state, product);
    for (const variationId of product.variations) ctx.state.variations.delete(variationId);
    ctx.state.products.delete(id);
    ctx.state.events.schedule("product.deleted", id);
    return { status: 200, body };
  },
});

const variationOps = (ctx: RestContext): Operations => ({
  create(item) {
    const parent = productOf(ctx, "product_id");
    if (!parent || parent.type !== "variable") return restError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
    const sku = typeof item.sku === "string" ? item.sku : undefined;
    if (sku && ctx.state.findBySku(sku)) return invalidSku({ id: 0 }, sku);
    const variation = ctx.state.createVariation(parent.id, { sku: sku ?? "", manage_stock: false });
    applyChanges(ctx.state, variation, item);
    return { status: 201, body: variationJson(ctx.state, variation) };
  },
  update(id, item) {
    const variation = variationOf(ctx, id);
    if (!variation) return invalidVariation(400);
    const error = applyChanges(ctx.state, variation, item);
    if (error) return error;
    // woocommerce_update_product_variation is one of product.updated's hooks.
    ctx.state.events.schedule("product.updated", variation.id);
    return { status: 200, body: variationJson(ctx.state, variation) };
  },
  remove(id) {
    const variation = variationOf(ctx, id);
    if (!variation) return invalidVariation(404);
    const body = variationJson(ctx.state, variation);
    ctx.state.variations.delete(id);
    const parent = ctx.state.products.get(variation.parent_id);
    if (parent) parent.variations = parent.variations.filter((other) => other !== id);
    return { status: 200, body };
  },
});

function errorItem(id: unknown, reply: RestReply): Record<string, unknown> {
  const error = reply.body as { code: string; message: string; data: unknown };
  return { id, error: { code: error.code, message: error.message, data: error.data } };
}

const BATCH_LIMIT = 100;

/**
 * batch_items(): more than 100 items in all is a 413; otherwise each item
 * answers for itself and the request is a 200 even when items fail.
 */
export function batch(ctx: RestContext, ops: Operations): RestReply {
  const raw = ctx.rawBody && typeof ctx.rawBody === "object" && !Array.isArray(ctx.rawBody) ? (ctx.rawBody as Record<string, unknown>) : {};
  const list = (name: string): unknown[] => (Array.isArray(raw[name]) ? (raw[name] as unknown[]) : []);
  const [creates, updates, deletes] = [list("create"), list("update"), list("delete")];
  if (creates.length + updates.length + deletes.length > BATCH_LIMIT) {
    return restError(413, "woocommerce_rest_request_entity_too_large", `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
  }
  const response: Record<string, unknown[]> = {};
  const asObject = (item: unknown): Record<string, unknown> => (item && typeof item === "object" ? (item as Record<string, unknown>) : {});
  for (const item of creates) {
    const reply = ops.create(asObject(item));
    (response.create ??= []).push(reply.status >= 400 ? errorItem(0, reply) : reply.body);
  }
  for (const item of updates) {
    const fields = asObject(item);
    const reply = ops.update(fields.id, fields);
    (response.update ??= []).push(reply.status >= 400 ? errorItem(fields.id ?? null, reply) : reply.body);
  }
  for (const item of deletes) {
    const id = Math.trunc(Number(item));
    if (!id) continue;
    const reply = ops.remove(id);
    (response.delete ??= []).push(reply.status >= 400 ? errorItem(id, reply) : reply.body);
  }
  // An empty PHP array is a JSON list.
  return { status: 200, body: Object.keys(response).length === 0 ? [] : response };
}

export const productRoutes: RestRoute[] = [
  { methods: READ_METHODS, pattern: /^\/wc\/v3\/products$/, capability: "list", validate: (ctx) => listArgs(ctx).args.error(), handle: listProducts },
  { methods: EDIT_METHODS, pattern: /^\/wc\/v3\/products\/batch$/, capability: "batch", handle: (ctx) => batch(ctx, productOps(ctx)) },
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/products\/(?<id>\d+)$/,
    capability: "view",
    exists: (ctx) => productOf(ctx) !== undefined,
    handle: (ctx) => {
      const product = productOf(ctx);
      return product ? { status: 200, body: productJson(ctx.state, product) } : invalidProduct(404);
    },
  },
  {
    methods: EDIT_METHODS,
    pattern: /^\/wc\/v3\/products\/(?<id>\d+)$/,
    capability: "edit",
    exists: (ctx) => productOf(ctx) !== undefined,
    handle: (ctx) => productOps(ctx).update(ctx.params.id, ctx.body ?? {}),
  },
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/products\/(?<product_id>\d+)\/variations$/,
    capability: "list",
    validate: (ctx) => listArgs(ctx).args.error(),
    handle: listVariations,
  },
  { methods: EDIT_METHODS, pattern: /^\/wc\/v3\/products\/(?<product_id>\d+)\/variations\/batch$/, capability: "batch", handle: (ctx) => batch(ctx, variationOps(ctx)) },
  {
    methods: READ_METHODS,
    pattern: /^\/wc\/v3\/products\/(?<product_id>\d+)\/variations\/(?<id>\d+)$/,
    capability: "view",
    exists: (ctx) => variationOf(ctx, ctx.params.id) !== undefined,
    handle: (ctx) => {
      const variation = variationOf(ctx, ctx.params.id);
      return variation ? { status: 200, body: variationJson(ctx.state, variation) } : invalidVariation(404);
    },
  },
  {
    methods: EDIT_METHODS,
    pattern: /^\/wc\/v3\/products\/(?<product_id>\d+)\/variations\/(?<id>\d+)$/,
    capability: "edit",
    exists: (ctx) => variationOf(ctx, ctx.params.id) !== undefined,
    handle: (ctx) => variationOps(ctx).update(ctx.params.id, ctx.body ?? {}),
  },
];

