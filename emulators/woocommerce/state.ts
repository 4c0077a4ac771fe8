// The emulated store's data, in memory: API keys, orders, products, notes,
// fulfillments, webhook registrations, what the store sent out, and faults.
// Ids of orders, products and variations share one sequence, as WordPress
// posts do, so they are never contiguous per kind.
import { randomBytes } from "node:crypto";
import { applyOrderChanges, buildOrder, orderJson, type WooOrder, type WooOrderInput, type WooOrderPatch } from "./orders";
import { buildProduct, buildVariation, setStockQuantity, type WooProduct, type WooProductInput, type WooVariation, type WooVariationInput } from "./products";
import { mysqlDate } from "./php";

export type Permission = "read" | "write" | "read_write";

/** A row of woocommerce_api_keys (the store keeps a hash of the consumer key; the emulator keeps it plain). */
export interface ApiKey {
  keyId: number;
  /** The WordPress user who approved (the shop manager). */
  userId: number;
  /** The app's own user_id from the wc-auth request, echoed in the callback. */
  appUserId: string | null;
  description: string;
  permissions: Permission;
  consumerKey: string;
  consumerSecret: string;
  truncatedKey: string;
  /** OAuth 1.0a nonces by timestamp, as WooCommerce keeps them: one per second per key. */
  nonces: Map<string, string>;
  lastAccess: string | null;
  revoked: boolean;
}

export type WebhookStatus = "active" | "paused" | "disabled";

/** A webhook registration (wc_webhooks row); the secret is never shown over REST. */
export interface WooWebhook {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  delivery_url: string;
  secret: string;
  failure_count: number;
  api_version: "wp_api_v3";
  user_id: number;
  date_created: string;
  date_modified: string;
}

export interface WooOrderNote {
  id: number;
  order_id: number;
  author: string;
  date_created: string;
  note: string;
  customer_note: boolean;
  added_by_user: boolean;
}

export interface WooMeta {
  id: number;
  key: string;
  value: unknown;
}

export interface WooFulfillment {
  id: number;
  order_id: number;
  status: string;
  is_fulfilled: boolean;
  /** MySQL format, as the fulfillments table keeps it. */
  date_updated: string;
  date_deleted: string | null;
  meta_data: WooMeta[];
  notify_customer: boolean;
}

/** One POST of consumer keys to a wc-auth callback_url. */
export interface CallbackAttempt {
  url: string;
  routedUrl: string;
  body: string;
  status: number | null;
  error: string | null;
  at: string;
}

/** One ping sent when a webhook was created over REST. */
export interface PingAttempt {
  webhookId: number;
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number | null;
  error: string | null;
}

export interface WooFaults {
  /** Milliseconds every REST request waits before it is answered. */
  latencyMs: number;
  /** How many of the next REST requests get 503 internal_server_error. */
  failNext5xx: number;
  /** How many of the next REST requests get 429 with Retry-After: 1. */
  rateLimitNext: number;
}

/** Where store events go; the server points these at the webhook sender. */
export interface StoreEvents {
  /** Delivers now; createOrder/updateOrder await it. */
  deliver(topic: string, resourceId: number): Promise<unknown>;
  /** Delivers after the current request, as Action Scheduler would (REST writes). */
  schedule(topic: string, resourceId: number): void;
}

export class WooState {
  /** The store's home URL, no trailing slash; set once the server listens. */
  homeUrl = "";
  readonly version = "10.3.0";
  readonly wpVersion = "6.8";
  readonly currency = "USD";

  /** wc-auth accepts an http:// callback_url (for apps under test on plain http). */
  allowInsecureCallback = false;
  /** The merchant's browser has a WordPress session. */
  loggedIn = true;
  /** The logged in user can manage WooCommerce (shop manager or admin). */
  canManageWoocommerce = true;
  /** The store has the fulfillments REST API (WooCommerce 10.1+). */
  fulfillmentsApi = true;

  readonly faults: WooFaults = { latencyMs: 0, failNext5xx: 0, rateLimitNext: 0 };

  /** Issued keys by key id; a key whose wc-auth callback failed is deleted. */
  readonly keys = new Map<number, ApiKey>();
  readonly orders: WooOrder[] = [];
  readonly products = new Map<number, WooProduct>();
  readonly variations = new Map<number, WooVariation>();
  readonly notes: WooOrderNote[] = [];
  readonly fulfillments: WooFulfillment[] = [];
  /** Webhook registrations by id. */
  readonly webhooks = new Map<number, WooWebhook>();
  readonly callbacks: CallbackAttempt[] = [];
  readonly pings: PingAttempt[] = [];
  /** Orders whose stock was reduced (WooCommerce's _order_stock_reduced). */
  readonly stockReduced = new Set<number>();
  /** wc_auth_nonce values handed out on grant pages (WordPress nonces are reusable). */
  readonly authNonces = new Set<string>();

  events: StoreEvents = { deliver: async () => undefined, schedule: () => undefined };

  private frozenAt: number | null = null;
  private postId = 100;
  private itemId = 0;
  private metaId = 0;
  private commentId = 0;
  private keyId = 0;
  private webhookId = 0;
  private fulfillmentId = 0;

  /** The store clock, epoch ms: real time unless set. It also bounds OAuth timestamps, so a set clock models clock skew. */
  now(): number {
    return this.frozenAt ?? Date.now();
  }

  /** Freezes the clock at `date`; null returns to real time. */
  setClock(date: Date | string | number | null): void {
    this.frozenAt = date === null ? null : new Date(date).getTime();
  }

  advanceClock(ms: number): void {
    this.frozenAt = this.now() + ms;
  }

  nextPostId(): number {
    return ++this.postId;
  }
  nextItemId(): number {
    return ++this.itemId;
  }
  nextMetaId(): number {
    return ++this.metaId;
  }
  nextCommentId(): number {
    return ++this.commentId;
  }
  nextWebhookId(): number {
    return ++this.webhookId;
  }
  nextFulfillmentId(): number {
    return ++this.fulfillmentId;
  }

  // Keys -----------------------------------------------------------------

  /** Creates an API key as the wc-auth flow or the admin's "Add key" would. */
  issueKey(options: { permissions?: Permission; description?: string; appUserId?: string | null } = {}): ApiKey {
    const consumerKey = `ck_${randomBytes(20).toString("hex")}`;
    const key: ApiKey = {
      keyId: ++this.keyId,
      userId: 1,
      appUserId: options.appUserId ?? null,
      description: options.description ?? `Test key - API (${mysqlDate(this.now())})`,
      permissions: options.permissions ?? "read_write",
      consumerKey,
      consumerSecret: `cs_${randomBytes(20).toString("hex")}`,
      truncatedKey: consumerKey.slice(-7),
      nonces: new Map(),
      lastAccess: null,
      revoked: false,
    };
    this.keys.set(key.keyId, key);
    return key;
  }

  /** The live key with this consumer key, if any (a revoked key is gone for the store). */
  findKey(consumerKey: string): ApiKey | undefined {
    for (const key of this.keys.values()) if (!key.revoked && key.consumerKey === consumerKey) return key;
    return undefined;
  }

  deleteKey(keyId: number): void {
    this.keys.delete(keyId);
  }

  /** The merchant revokes one key in WooCommerce > Settings > Advanced > REST API. */
  revokeKey(consumerKey: string): void {
    for (const key of this.keys.values()) if (key.consumerKey === consumerKey) key.revoked = true;
  }

  revokeKeys(): void {
    for (const key of this.keys.values()) key.revoked = true;
  }

  /** Test convenience (a real store cannot): makes revoked keys work again. */
  unrevokeKeys(): void {
    for (const key of this.keys.values()) key.revoked = false;
  }

  // Orders ---------------------------------------------------------------

  /** A new order (as a checkout would create it); delivers order.created unless `deliver` is false. */
  async createOrder(input: WooOrderInput = {}, options: { deliver?: boolean } = {}): Promise<WooOrder> {
    const order = buildOrder(this, input);
    this.orders.push(order);
    if (options.deliver !== false) await this.events.deliver("order.created", order.id);
    return orderJson(this, order);
  }

  /** Changes an order as the admin would: bumps date_modified, delivers order.updated unless `deliver` is false. */
  async updateOrder(id: number, patch: WooOrderPatch, options: { deliver?: boolean } = {}): Promise<WooOrder> {
    const order = this.order(id);
    if (!order) throw new Error(`no order ${id}`);
    applyOrderChanges(this, order, patch);
    if (options.deliver !== false) await this.events.deliver("order.updated", order.id);
    return orderJson(this, order);
  }

  order(id: number): WooOrder | undefined {
    return this.orders.find((order) => order.id === id);
  }

  /** The order as GET /orders/<id> would show it. */
  orderJson(id: number): WooOrder | undefined {
    const order = this.order(id);
    return order ? orderJson(this, order) : undefined;
  }

  // Products -------------------------------------------------------------

  createProduct(input: WooProductInput = {}): WooProduct {
    const product = buildProduct(this, input);
    this.products.set(product.id, product);
    return product;
  }

  createVariation(productId: number, input: WooVariationInput = {}): WooVariation {
    const parent = this.products.get(productId);
    if (!parent) throw new Error(`no product ${productId}`);
    const variation = buildVariation(this, parent, input);
    this.variations.set(variation.id, variation);
    parent.variations.push(variation.id);
    return variation;
  }

  /** A product or variation by SKU (SKUs are unique across both). */
  findBySku(sku: string): WooProduct | WooVariation | undefined {
    for (const product of this.products.values()) if (product.sku === sku) return product;
    for (const variation of this.variations.values()) if (variation.sku === sku) return variation;
    return undefined;
  }

  /** The merchant edits a stock quantity in wp-admin: product.updated goes out unless `deliver` is false. */
  async setStock(idOrSku: number | string, quantity: number, options: { deliver?: boolean } = {}): Promise<void> {
    const item = typeof idOrSku === "number" ? (this.products.get(idOrSku) ?? this.variations.get(idOrSku)) : this.findBySku(idOrSku);
    if (!item) throw new Error(`no product or variation ${idOrSku}`);
    setStockQuantity(this, item, quantity);
    if (options.deliver !== false) await this.events.deliver("product.updated", item.id);
  }

  /** Stock quantity of a product or variation, by id or SKU; null when stock is not managed. */
  stockOf(idOrSku: number | string): number | null {
    const item = typeof idOrSku === "number" ? (this.products.get(idOrSku) ?? this.variations.get(idOrSku)) : this.findBySku(idOrSku);
    if (!item) throw new Error(`no product or variation ${idOrSku}`);
    return item.stock_quantity;
  }
}
