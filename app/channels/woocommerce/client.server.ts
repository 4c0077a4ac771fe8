// The WooCommerce REST calls Rappit makes, over a WooTransport (auth, retries and
// errors live there). Answers are validated, so a surprising store is a clear error.
import { z } from "zod";
import { wooOrderSchema, type WooOrder } from "./order-mapping";
import { WOO_BATCH_LIMIT, WOO_MAX_PER_PAGE, normalizeStoreUrl } from "./settings";
import { WooApiError, WooAuthError, type WooTransport } from "./transport.server";

export interface StockUpdate {
  productId: number;
  variationId?: number | null;
  quantity: number;
}

export type StockResult =
  | { productId: number; variationId: number | null; ok: true }
  | { productId: number; variationId: number | null; ok: false; code: string; message: string };

/** A product or variation as the inventory catalog import needs it. */
export interface WooCatalogEntry {
  id: number;
  /** The variable product of a variation; 0 for a product. */
  parentId: number;
  type: string;
  sku: string;
  name: string;
  manageStock: boolean;
  stockQuantity: number | null;
}

export interface ShipmentTracking {
  company: string;
  number: string;
  url: string | null;
}

export interface WooWebhook {
  id: number;
  topic: string;
  delivery_url: string;
  status: string;
}

const systemStatusSchema = z
  .object({
    environment: z.object({ home_url: z.string().nullish(), version: z.string().nullish() }).loose().nullish(),
    settings: z.object({ currency: z.string().nullish() }).loose().nullish(),
  })
  .loose();

const webhookSchema = z.object({ id: z.number().int(), topic: z.string(), delivery_url: z.string(), status: z.string() }).loose();

/** Each batch item answers with the saved resource, or `{id, error: {code, message}}`. */
const batchReplySchema = z
  .object({
    update: z
      .array(
        z
          .object({
            id: z.union([z.number(), z.string()]).nullish(),
            error: z.object({ code: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish() }).loose().nullish(),
          })
          .loose(),
      )
      .nullish(),
  })
  .loose();

/** Products and variations: only the fields the catalog import reads (manage_stock may be "parent" on variations). */
const catalogEntrySchema = z
  .object({
    id: z.number().int(),
    parent_id: z.number().int().nullish(),
    type: z.string().nullish(),
    sku: z.string().nullish(),
    name: z.string().nullish(),
    manage_stock: z.union([z.boolean(), z.string()]).nullish(),
    stock_quantity: z.number().nullish(),
  })
  .loose()
  .transform(
    (raw): WooCatalogEntry => ({
      id: raw.id,
      parentId: raw.parent_id ?? 0,
      type: raw.type ?? "simple",
      sku: raw.sku ?? "",
      name: raw.name ?? "",
      manageStock: raw.manage_stock === true,
      stockQuantity: raw.stock_quantity ?? null,
    }),
  );

/** WooCommerce's date params: no milliseconds, and GMT because we pass dates_are_gmt. */
const wooDate = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "");

function resourceId(id: number | string): string {
  const value = String(id);
  if (!/^\d+$/.test(value)) throw new Error(`not a WooCommerce id: ${value}`);
  return value;
}

function totalPages(headers: Headers): number | null {
  const value = Number(headers.get("x-wp-totalpages"));
  return headers.has("x-wp-totalpages") && Number.isInteger(value) ? value : null;
}

const isNoRoute = (error: unknown) => error instanceof WooApiError && error.status === 404 && error.code === "rest_no_route";

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class WooClient {
  constructor(private readonly transport: WooTransport) {}

  /** Checks the keys and reads what the connections page shows about the store. */
  async verify(): Promise<{ storeUrl: string; wooVersion: string | null; currency: string | null }> {
    let data: unknown;
    try {
      // Only the sections we read: the full report runs slow checks on large stores.
      ({ data } = await this.transport.request<unknown>("GET", "/system_status", { query: { _fields: "environment,settings" } }));
    } catch (error) {
      if (isNoRoute(error)) {
        throw new WooApiError(
          "This address has no WooCommerce API: check that WooCommerce is installed and active on the store.",
          404,
          "rest_no_route",
        );
      }
      throw error;
    }
    const parsed = systemStatusSchema.safeParse(data);
    const status = parsed.success ? parsed.data : {};
    const home = status.environment?.home_url ? normalizeStoreUrl(status.environment.home_url) : null;
    return {
      storeUrl: home?.ok ? home.url : this.transport.storeUrl,
      wooVersion: status.environment?.version || null,
      currency: status.settings?.currency || null,
    };
  }

  /** Every order modified after `after` (all orders when null), oldest change first, one page at a time. */
  async *listOrdersModifiedAfter(after: Date | null): AsyncGenerator<WooOrder[]> {
    for (let page = 1; ; page++) {
      const { data, headers } = await this.transport.request<unknown>("GET", "/orders", {
        query: {
          per_page: WOO_MAX_PER_PAGE,
          page,
          orderby: "modified",
          order: "asc",
          dates_are_gmt: true,
          modified_after: after ? wooDate(after) : undefined,
          status: "any",
        },
      });
      const orders = z.array(wooOrderSchema).parse(data);
      if (orders.length > 0) yield orders;
      const pages = totalPages(headers);
      // A proxy may strip X-WP-TotalPages: then a full page means there may be more.
      const more = pages === null ? orders.length === WOO_MAX_PER_PAGE : page < pages;
      if (!more || orders.length === 0) return;
    }
  }

  /** Every product (any status), one page at a time, by id. */
  listProducts(): AsyncGenerator<WooCatalogEntry[]> {
    return this.listCatalog("/products");
  }

  /** Every variation of a variable product, one page at a time, by id. */
  listVariations(productId: number): AsyncGenerator<WooCatalogEntry[]> {
    return this.listCatalog(`/products/${resourceId(productId)}/variations`);
  }

  private async *listCatalog(path: string): AsyncGenerator<WooCatalogEntry[]> {
    for (let page = 1; ; page++) {
      const { data, headers } = await this.transport.request<unknown>("GET", path, {
        query: { per_page: WOO_MAX_PER_PAGE, page, orderby: "id", order: "asc", status: "any" },
      });
      const entries = z.array(catalogEntrySchema).parse(data);
      if (entries.length > 0) yield entries;
      const pages = totalPages(headers);
      const more = pages === null ? entries.length === WOO_MAX_PER_PAGE : page < pages;
      if (!more || entries.length === 0) return;
    }
  }

  /** Cancels an order; WooCommerce puts its stock back itself. Safe to repeat (an absolute status). */
  async cancelOrder(id: number | string): Promise<void> {
    await this.transport.request("PUT", `/orders/${resourceId(id)}`, { body: { status: "cancelled" }, idempotent: true });
  }

  async getOrder(id: number | string): Promise<WooOrder> {
    const { data } = await this.transport.request<unknown>("GET", `/orders/${resourceId(id)}`);
    return wooOrderSchema.parse(data);
  }

  async createWebhook(input: { name: string; topic: string; deliveryUrl: string; secret: string }): Promise<{ id: number; status: string }> {
    const { data } = await this.transport.request<unknown>("POST", "/webhooks", {
      body: { name: input.name, topic: input.topic, delivery_url: input.deliveryUrl, secret: input.secret, status: "active" },
    });
    const webhook = z.object({ id: z.number().int(), status: z.string() }).loose().parse(data);
    return { id: webhook.id, status: webhook.status };
  }

  async listWebhooks(): Promise<WooWebhook[]> {
    const all: WooWebhook[] = [];
    for (let page = 1; ; page++) {
      const { data, headers } = await this.transport.request<unknown>("GET", "/webhooks", { query: { per_page: WOO_MAX_PER_PAGE, page } });
      const hooks = z.array(webhookSchema).parse(data);
      all.push(...hooks.map(({ id, topic, delivery_url, status }) => ({ id, topic, delivery_url, status })));
      const pages = totalPages(headers);
      const more = pages === null ? hooks.length === WOO_MAX_PER_PAGE : page < pages;
      if (!more || hooks.length === 0) return all;
    }
  }

  /** Deletes for good (webhooks have no trash); one already gone counts as deleted. */
  async deleteWebhook(id: number): Promise<void> {
    try {
      await this.transport.request("DELETE", `/webhooks/${resourceId(id)}`, { query: { force: true } });
    } catch (error) {
      // A 404 with no code is a web page (the API itself missing), not a missing webhook.
      if (error instanceof WooApiError && error.status === 404 && error.code && !isNoRoute(error)) return;
      throw error;
    }
  }

  /**
   * Sets absolute stock levels through the batch endpoints, one result per input
   * item in input order. A batch the store refuses as a whole (a deleted parent
   * product, say) fails its items; revoked keys and an unreachable store throw,
   * and running the whole call again is safe because the levels are absolute.
   */
  async setStock(items: StockUpdate[]): Promise<StockResult[]> {
    const results = new Array<StockResult>(items.length);
    const identity = (index: number) => ({ productId: items[index].productId, variationId: items[index].variationId ?? null });
    const fail = (index: number, code: string, message: string) => {
      results[index] = { ...identity(index), ok: false, code, message };
    };

    // One batch route per parent: simple products share /products/batch, variations go to their product's.
    const groups = new Map<string, Array<{ index: number; id: number; quantity: number }>>();
    items.forEach((item, index) => {
      const variation = item.variationId ?? null;
      const ids = variation === null ? [item.productId] : [item.productId, variation];
      if (!ids.every((id) => Number.isInteger(id) && id > 0)) return fail(index, "invalid_id", "not a WooCommerce product or variation id");
      if (!Number.isInteger(item.quantity)) return fail(index, "invalid_quantity", `stock must be a whole number, not ${item.quantity}`);
      const path = variation === null ? "/products/batch" : `/products/${item.productId}/variations/batch`;
      const group = groups.get(path) ?? [];
      group.push({ index, id: variation ?? item.productId, quantity: item.quantity });
      groups.set(path, group);
    });

    for (const [path, entries] of groups) {
      for (const chunk of chunks(entries, WOO_BATCH_LIMIT)) {
        let answers: NonNullable<z.infer<typeof batchReplySchema>["update"]>;
        try {
          const { data } = await this.transport.request<unknown>("POST", path, {
            // manage_stock in the same request: WooCommerce ignores stock_quantity on products that do not track stock.
            body: { update: chunk.map(({ id, quantity }) => ({ id, manage_stock: true, stock_quantity: quantity })) },
            idempotent: true,
          });
          answers = batchReplySchema.parse(data ?? {}).update ?? [];
        } catch (error) {
          if (!(error instanceof WooApiError) || error instanceof WooAuthError) throw error;
          for (const { index } of chunk) fail(index, error.code ?? `http_${error.status}`, error.message);
          continue;
        }
        chunk.forEach(({ index, id }, position) => {
          // WooCommerce answers in request order; match by id when the counts disagree.
          const answer = answers.length === chunk.length ? answers[position] : answers.find((a) => Number(a.id) === id);
          if (!answer) fail(index, "no_answer", "the store's batch reply did not mention this item");
          else if (answer.error) fail(index, answer.error.code != null ? String(answer.error.code) : "error", answer.error.message ?? "the store refused this item");
          else results[index] = { ...identity(index), ok: true };
        });
      }
    }
    return results;
  }

  /**
   * Marks an order shipped. Tracking is written before the status, so repeating
   * the call after a partial failure never leaves a completed order without it
   * (a repeat may add a second note or fulfillment, which is the lesser harm).
   */
  async completeOrder(
    id: number | string,
    tracking: ShipmentTracking | null,
    options: { fulfillmentsApi: boolean },
  ): Promise<{ via: "fulfillments" | "note" | "status-only" }> {
    const orderId = resourceId(id);
    let via: "fulfillments" | "note" | "status-only" = "status-only";
    if (tracking && options.fulfillmentsApi) {
      try {
        await this.createFulfillment(orderId, tracking);
        via = "fulfillments";
      } catch (error) {
        // Stores before WooCommerce 10.1 (or with fulfillments off) have no such route.
        if (!isNoRoute(error)) throw error;
      }
    }
    if (tracking && via === "status-only") {
      const note = `Shipped with ${tracking.company}: tracking ${tracking.number}${tracking.url ? ` ${tracking.url}` : ""}`;
      await this.transport.request("POST", `/orders/${orderId}/notes`, { body: { note, customer_note: true } });
      via = "note";
    }
    await this.transport.request("PUT", `/orders/${orderId}`, { body: { status: "completed" } });
    return { via };
  }

  /**
   * Cash on delivery collected: the order gets its paid date and stays completed
   * (set_paid alone would move it back to processing). Safe to repeat.
   */
  async markOrderPaid(id: number | string): Promise<void> {
    await this.transport.request("PUT", `/orders/${resourceId(id)}`, { body: { set_paid: true, status: "completed" } });
  }

  /** The order's notes (private and to the customer), newest first. */
  async orderNotes(id: number | string): Promise<Array<{ id: number; note: string }>> {
    const { data } = await this.transport.request<unknown>("GET", `/orders/${resourceId(id)}/notes`, { query: { type: "any" } });
    return z.array(z.object({ id: z.number(), note: z.string() })).parse(data);
  }

  /** Not idempotent at WooCommerce: callers look for their note first. */
  async addOrderNote(id: number | string, note: string, options: { customerNote: boolean }): Promise<void> {
    await this.transport.request("POST", `/orders/${resourceId(id)}/notes`, { body: { note, customer_note: options.customerNote } });
  }

  private async createFulfillment(orderId: string, tracking: ShipmentTracking): Promise<void> {
    // WooCommerce refuses a fulfillment without items ("should contain at least one item"): ship every line.
    const { data } = await this.transport.request<unknown>("GET", `/orders/${orderId}`);
    const order = wooOrderSchema.parse(data);
    const meta = [
      { key: "_items", value: order.line_items.filter((line) => line.quantity > 0).map((line) => ({ item_id: line.id, qty: line.quantity })) },
      { key: "_tracking_number", value: tracking.number },
      // Core WooCommerce reads _shipment_provider; Shipment Tracking-style plugins read _tracking_provider.
      { key: "_shipment_provider", value: tracking.company },
      { key: "_tracking_provider", value: tracking.company },
      ...(tracking.url ? [{ key: "_tracking_url", value: tracking.url }] : []),
    ];
    await this.transport.request("POST", `/orders/${orderId}/fulfillments`, {
      body: { status: "fulfilled", is_fulfilled: true, notify_customer: true, meta_data: meta },
    });
  }
}
