import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oauthBaseString, oauthSignature, signOAuth1Url } from "../../emulators/woocommerce/rest-auth";
import { parsePhpQuery } from "../../emulators/woocommerce/php";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import type { ApiKey } from "../../emulators/woocommerce/state";
import { WooWebhookSender } from "../../emulators/woocommerce/webhook-sender";

// The WooCommerce emulator against WooCommerce's own rules (docs/reference
// carriers-woo.md section 1): real sockets, a small receiver standing in for the app.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the app: records every request, answers `status` (settable per test). */
async function startReceiver() {
  const received: Received[] = [];
  const receiver = { status: 200, received, url: "", server: null as unknown as Server };
  receiver.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(receiver.status, { "Content-Type": "text/plain" });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
  const address = receiver.server.address();
  receiver.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return receiver;
}

const APP = "https://app.example";
let store: WooCommerceEmulator;
let app: Awaited<ReturnType<typeof startReceiver>>;
let key: ApiKey;

beforeAll(async () => {
  app = await startReceiver();
  store = await startWooCommerceEmulator({ routeOutbound: (url) => url.replace(APP, app.url) });
  key = store.state.issueKey({ permissions: "read_write" });
});

afterAll(async () => {
  await store.close();
  await new Promise((resolve) => app.server.close(resolve));
});

/** A REST call over plain http, signed with OAuth 1.0a in the query string as WooCommerce requires. */
async function api(method: string, route: string, options: { body?: unknown; as?: ApiKey; signatureMethod?: "HMAC-SHA1" | "HMAC-SHA256" } = {}) {
  const signer = options.as ?? key;
  const url = signOAuth1Url({
    method,
    url: `${store.url}/wp-json/wc/v3/${route}`,
    consumerKey: signer.consumerKey,
    consumerSecret: signer.consumerSecret,
    signatureMethod: options.signatureMethod,
    timestamp: Math.floor(store.state.now() / 1000),
  });
  const response = await fetch(url, {
    method,
    headers: options.body === undefined ? {} : { "Content-Type": "application/json" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

describe("OAuth 1.0a (plain http)", () => {
  it("computes the reference vectors", () => {
    const params = parsePhpQuery("per_page=10&status=processing&oauth_consumer_key=ck_test&oauth_nonce=abc123&oauth_timestamp=1700000000");
    params.set("oauth_signature_method", "HMAC-SHA256");
    const base = oauthBaseString("GET", "http://example.com/wp-json/wc/v3/orders", params);
    expect(base).toBe(
      "GET&http%3A%2F%2Fexample.com%2Fwp-json%2Fwc%2Fv3%2Forders&oauth_consumer_key%3Dck_test%26oauth_nonce%3Dabc123%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26per_page%3D10%26status%3Dprocessing",
    );
    expect(oauthSignature(base, "cs_test", "HMAC-SHA256")).toBe("r3sUjW1sgj9+z520ub/i+fzH/ky8VteNfg0rDr3Tfro=");
    params.set("oauth_signature_method", "HMAC-SHA1");
    expect(oauthSignature(oauthBaseString("GET", "http://example.com/wp-json/wc/v3/orders", params), "cs_test", "HMAC-SHA1")).toBe("PNzohtzygFIwZJ1WadYYQZnGosU=");
    // Webhook signature vector from the same reference.
    expect(WooWebhookSender.sign('{"id":42,"status":"processing"}', "whsec_test")).toBe("ExS+CwkcGUrC1Tf5Sph3prswny0ldk1hRWHBBJBLYlM=");
  });

  it("accepts a signed request (query string or Authorization header, SHA1 or SHA256)", async () => {
    expect((await api("GET", "system_status")).json.environment).toMatchObject({ home_url: store.url, version: "10.3.0", wp_version: "6.8" });
    expect((await api("GET", "system_status", { signatureMethod: "HMAC-SHA1" })).status).toBe(200);

    const timestamp = String(Math.floor(Date.now() / 1000));
    const oauth = new Map([
      ["oauth_consumer_key", key.consumerKey],
      ["oauth_nonce", "header-nonce-1"],
      ["oauth_signature_method", "HMAC-SHA256"],
      ["oauth_timestamp", timestamp],
    ]);
    const params = parsePhpQuery("per_page=5");
    for (const [name, value] of oauth) params.set(name, value);
    const signature = oauthSignature(oauthBaseString("GET", `${store.url}/wp-json/wc/v3/orders`, params), key.consumerSecret, "HMAC-SHA256");
    const header = `OAuth ${[...oauth, ["oauth_signature", signature]].map(([name, value]) => `${name}="${encodeURIComponent(value)}"`).join(", ")}`;
    const response = await fetch(`${store.url}/wp-json/wc/v3/orders?per_page=5`, { headers: { Authorization: header } });
    expect(response.status).toBe(200);
  });

  it("refuses a bad signature, a replayed nonce, a stale timestamp and missing parameters", async () => {
    const signed = signOAuth1Url({ method: "GET", url: `${store.url}/wp-json/wc/v3/orders`, consumerKey: key.consumerKey, consumerSecret: key.consumerSecret });
    const tampered = signed.replace(/oauth_signature=[^&]+/, "oauth_signature=AAAA");
    expect(await (await fetch(tampered)).json()).toEqual({
      code: "woocommerce_rest_authentication_error",
      message: "Invalid signature - provided signature does not match.",
      data: { status: 401 },
    });

    expect((await fetch(signed)).status).toBe(200);
    const replay = await fetch(signed);
    expect(replay.status).toBe(401);
    expect((await replay.json()).message).toBe("Invalid nonce - nonce has already been used.");

    const stale = signOAuth1Url({
      method: "GET",
      url: `${store.url}/wp-json/wc/v3/orders`,
      consumerKey: key.consumerKey,
      consumerSecret: key.consumerSecret,
      timestamp: Math.floor(Date.now() / 1000) - 16 * 60,
    });
    expect(await (await fetch(stale)).json()).toMatchObject({ code: "woocommerce_rest_authentication_error", message: "Invalid timestamp." });

    const missing = await fetch(`${store.url}/wp-json/wc/v3/orders?oauth_consumer_key=${key.consumerKey}&oauth_nonce=x`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      code: "woocommerce_rest_authentication_missing_parameter",
      message: "Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method",
    });
  });

  it("does not take Basic credentials over plain http (not is_ssl): the request is anonymous", async () => {
    const basic = `Basic ${Buffer.from(`${key.consumerKey}:${key.consumerSecret}`).toString("base64")}`;
    const response = await fetch(`${store.url}/wp-json/wc/v3/orders`, { headers: { Authorization: basic } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await response.json()).toEqual({ code: "woocommerce_rest_cannot_view", message: "Sorry, you cannot list resources.", data: { status: 401 } });
    const query = await fetch(`${store.url}/wp-json/wc/v3/orders?consumer_key=${key.consumerKey}&consumer_secret=${key.consumerSecret}`);
    expect(query.status).toBe(401);
  });

  it("refuses revoked keys and keys without the needed permission", async () => {
    const revoked = store.state.issueKey();
    expect((await api("GET", "orders", { as: revoked })).status).toBe(200);
    store.state.revokeKey(revoked.consumerKey);
    expect((await api("GET", "orders", { as: revoked })).json).toMatchObject({ code: "woocommerce_rest_authentication_error", message: "Consumer key is invalid." });

    const readOnly = store.state.issueKey({ permissions: "read" });
    expect((await api("GET", "orders", { as: readOnly })).status).toBe(200);
    const write = await api("PUT", "products/1", { as: readOnly, body: {} });
    expect(write.status).toBe(401);
    expect(write.json.message).toBe("The API key provided does not have write permissions.");
    const writeOnly = store.state.issueKey({ permissions: "write" });
    expect((await api("GET", "orders", { as: writeOnly })).json.message).toBe("The API key provided does not have read permissions.");
  });

  it("answers unknown routes with rest_no_route", async () => {
    const response = await api("GET", "nothing-here");
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ code: "rest_no_route", message: "No route was found matching the URL and request method.", data: { status: 404 } });
    expect((await api("DELETE", "orders")).json.code).toBe("rest_no_route");
  });
});

describe("Basic auth over TLS", () => {
  let dir: string;
  let tlsStore: WooCommerceEmulator;
  let cert: string;
  let tlsKey: ApiKey;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "woo-tls-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
    tlsStore = await startWooCommerceEmulator({ tls: { key: readFileSync(path.join(dir, "key.pem"), "utf8"), cert } });
    tlsKey = tlsStore.state.issueKey();
  });

  afterAll(async () => {
    await tlsStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An https request trusting only the throwaway certificate. */
  function get(route: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; json: { code?: string; message?: string } & Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(`${tlsStore.url}/wp-json/wc/v3/${route}`, { ca: cert, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      });
      request.on("error", reject);
      request.end();
    });
  }
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

  it("accepts the key in the Authorization header or in the query string", async () => {
    expect(tlsStore.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const viaHeader = await get("system_status", basic(tlsKey.consumerKey, tlsKey.consumerSecret));
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.json).toMatchObject({ environment: { home_url: tlsStore.url }, settings: { currency: "USD" } });
    expect((await get(`system_status?consumer_key=${tlsKey.consumerKey}&consumer_secret=${tlsKey.consumerSecret}`)).status).toBe(200);
  });

  it("answers a wrong secret with Consumer secret is invalid and the Basic realm", async () => {
    const wrong = await get("orders", basic(tlsKey.consumerKey, "cs_wrong"));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ code: "woocommerce_rest_authentication_error", message: "Consumer secret is invalid.", data: { status: 401 } });
    expect(wrong.headers["www-authenticate"]).toBe(
      'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."',
    );
  });

  it("treats an unknown or revoked key as no credentials (the route refuses), as WooCommerce does", async () => {
    const unknown = await get("orders", basic(`ck_${"0".repeat(40)}`, "cs_x"));
    expect(unknown.status).toBe(401);
    expect(unknown.json.code).toBe("woocommerce_rest_cannot_view");
    const revoked = tlsStore.state.issueKey();
    tlsStore.state.revokeKey(revoked.consumerKey);
    expect((await get("orders", basic(revoked.consumerKey, revoked.consumerSecret))).status).toBe(401);
  });

  it("serves the grant page over https to the merchant helpers", async () => {
    const query = "app_name=Rappit&scope=read&user_id=u-1&return_url=https%3A%2F%2Fapp.example%2Freturn&callback_url=https%3A%2F%2Fapp.example%2Fcallback";
    expect(await tlsStore.deny(`${tlsStore.url}/wc-auth/v1/authorize?${query}`)).toEqual({ location: "https://app.example/return?success=0&user_id=u-1" });
  });
});

describe("orders", () => {
  const start = Date.parse("2026-11-20T10:00:00Z");
  const ids: number[] = [];

  beforeAll(async () => {
    store.state.setClock(start);
    for (let i = 0; i < 25; i++) {
      ids.push((await store.state.createOrder({ status: i % 5 === 0 ? "on-hold" : "processing" }, { deliver: false })).id);
      store.state.advanceClock(60_000);
    }
  });
  afterAll(() => store.state.setClock(null));

  it("pages with X-WP-Total, X-WP-TotalPages and Link, newest first by default", async () => {
    const page = await api("GET", "orders?per_page=10&page=2");
    expect(page.status).toBe(200);
    expect(page.headers.get("x-wp-total")).toBe("25");
    expect(page.headers.get("x-wp-totalpages")).toBe("3");
    const link = page.headers.get("link")!;
    expect(link).toMatch(/<[^>]*\/wp-json\/wc\/v3\/orders\?[^>]*page=1[^>]*>; rel="prev"/);
    expect(link).toMatch(/<[^>]*\/wp-json\/wc\/v3\/orders\?[^>]*page=3[^>]*>; rel="next"/);
    expect(page.json.map((order: { id: number }) => order.id)).toEqual([...ids].reverse().slice(10, 20));
    const first = page.json[0];
    expect(first).toMatchObject({ number: String(first.id), currency: "USD", payment_method: "cod", payment_method_title: "Cash on delivery" });
    expect(first.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(first.line_items[0]).toMatchObject({ sku: "SKU-1", quantity: 1, price: 25 });
    expect(first.shipping).toMatchObject({ address_1: "1 Main St", country: "US" });
    const last = await api("GET", "orders?per_page=10&page=3");
    expect(last.json).toHaveLength(5);
    expect(last.headers.get("link")).not.toContain('rel="next"');
  });

  it("filters by modified_after (exclusive, GMT) and status, and sorts by modified", async () => {
    store.state.setClock(start + 60 * 60_000);
    await store.state.updateOrder(ids[3], { status: "completed" }, { deliver: false });
    store.state.advanceClock(1000);
    await store.state.updateOrder(ids[1], { meta_data: [{ key: "_rappit", value: "x" }] }, { deliver: false });
    const since = "2026-11-20T10:59:59";
    const changed = await api("GET", `orders?modified_after=${since}&dates_are_gmt=true&orderby=modified&order=asc`);
    expect(changed.json.map((order: { id: number }) => order.id)).toEqual([ids[3], ids[1]]);
    expect(changed.json[0]).toMatchObject({ status: "completed", date_modified_gmt: "2026-11-20T11:00:00" });
    // "after" is exclusive: the order modified exactly at the boundary second is not included.
    const after = await api("GET", `orders?modified_after=2026-11-20T11:00:00Z&orderby=modified&order=asc`);
    expect(after.json.map((order: { id: number }) => order.id)).toEqual([ids[1]]);
    const onHold = await api("GET", "orders?status=on-hold&per_page=100");
    expect(onHold.headers.get("x-wp-total")).toBe("5");
    expect((await api("GET", "orders?status=on-hold,completed&per_page=100")).json).toHaveLength(6);
  });

  it("caps per_page at 100 and validates arguments like WordPress", async () => {
    const tooMany = await api("GET", "orders?per_page=101");
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({
      code: "rest_invalid_param",
      message: "Invalid parameter(s): per_page",
      data: { status: 400, params: { per_page: "per_page must be between 1 (inclusive) and 100 (inclusive)" } },
    });
    expect((await api("GET", "orders?status=shipped")).json.code).toBe("rest_invalid_param");
    expect((await api("GET", "orders?modified_after=yesterday")).json.data.params.modified_after).toBe("Invalid date.");
  });

  it("reads one order, updates status and meta (order.updated follows), and 404s unknown ids", async () => {
    expect((await api("GET", "orders/999999")).json).toEqual({ code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID.", data: { status: 404 } });
    const hook = await api("POST", "webhooks", { body: { name: "updates", topic: "order.updated", delivery_url: `${APP}/hooks/updated`, secret: "s3cret" } });
    store.state.setClock(start + 2 * 60 * 60_000);
    const updated = await api("PUT", `orders/${ids[7]}`, { body: { status: "completed", meta_data: [{ key: "_tracking", value: "1Z999" }] } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ status: "completed", date_modified_gmt: "2026-11-20T12:00:00", date_completed_gmt: "2026-11-20T12:00:00" });
    expect(updated.json.meta_data).toEqual([expect.objectContaining({ key: "_tracking", value: "1Z999" })]);
    const again = await api("PUT", `orders/${ids[7]}`, { body: { meta_data: [{ key: "_tracking", value: "1Z000" }] } });
    expect(again.json.meta_data).toEqual([expect.objectContaining({ key: "_tracking", value: "1Z000" })]);
    await store.webhooks.settled();
    const deliveries = store.webhooks.deliveries.filter((delivery) => delivery.webhookId === hook.json.id);
    expect(deliveries).toHaveLength(2);
    expect(JSON.parse(deliveries[1].body)).toMatchObject({ id: ids[7], status: "completed" });
    expect((await api("PUT", "orders/999999", { body: { status: "completed" } })).json.data.status).toBe(400);
    await api("DELETE", `webhooks/${hook.json.id}?force=true`);
  });

  it("adds and lists notes", async () => {
    const created = await api("POST", `orders/${ids[0]}/notes`, { body: { note: "Shipped with DHL 123", customer_note: true } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ note: "Shipped with DHL 123", customer_note: true, author: "system" });
    expect((await api("GET", `orders/${ids[0]}/notes`)).json).toEqual([expect.objectContaining({ id: created.json.id })]);
    expect((await api("POST", `orders/${ids[0]}/notes`, { body: {} })).json.code).toBe("rest_missing_callback_param");
  });

  it("creates fulfillments when the store has the API, and has no such route otherwise", async () => {
    const order = store.state.orderJson(ids[2])!;
    const body = {
      status: "fulfilled",
      is_fulfilled: true,
      notify_customer: true,
      meta_data: [
        { key: "_items", value: [{ item_id: order.line_items[0].id, qty: 1 }] },
        { key: "_tracking_number", value: "1Z999AA10123456784" },
      ],
    };
    const created = await api("POST", `orders/${ids[2]}/fulfillments`, { body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ entity_type: "WC_Order", entity_id: String(ids[2]), status: "fulfilled", is_fulfilled: true });
    expect((await api("GET", `orders/${ids[2]}/fulfillments`)).json).toHaveLength(1);
    const noItems = await api("POST", `orders/${ids[2]}/fulfillments`, { body: { ...body, meta_data: [] } });
    expect(noItems.status).toBe(400);
    expect(noItems.json.message).toBe("The fulfillment should contain at least one item.");
    store.state.fulfillmentsApi = false;
    try {
      expect((await api("POST", `orders/${ids[2]}/fulfillments`, { body })).json.code).toBe("rest_no_route");
    } finally {
      store.state.fulfillmentsApi = true;
    }
  });
});

describe("products and stock", () => {
  it("applies stock_quantity only when stock is managed, and inventory_delta as read-modify-write", async () => {
    const product = store.state.createProduct({ name: "Mug", sku: "MUG-1", manage_stock: false });
    const ignored = await api("PUT", `products/${product.id}`, { body: { stock_quantity: 7 } });
    expect(ignored.json).toMatchObject({ manage_stock: false, stock_quantity: null });
    const managed = await api("PUT", `products/${product.id}`, { body: { manage_stock: true, stock_quantity: 7 } });
    expect(managed.json).toMatchObject({ manage_stock: true, stock_quantity: 7, stock_status: "instock" });
    expect((await api("PUT", `products/${product.id}`, { body: { inventory_delta: -7 } })).json).toMatchObject({ stock_quantity: 0, stock_status: "outofstock" });
    expect(store.state.stockOf("MUG-1")).toBe(0);
    expect((await api("GET", "products?sku=MUG-1")).json.map((item: { id: number }) => item.id)).toEqual([product.id]);
  });

  it("reduces stock when an order is placed and restores it when the order is cancelled", async () => {
    const product = store.state.createProduct({ sku: "TEE-1", stock_quantity: 5 });
    const order = await store.state.createOrder({ line_items: [{ sku: "TEE-1", quantity: 2 }] }, { deliver: false });
    expect(order.line_items[0]).toMatchObject({ product_id: product.id, sku: "TEE-1" });
    expect(store.state.stockOf(product.id)).toBe(3);
    await store.state.updateOrder(order.id, { status: "cancelled" }, { deliver: false });
    expect(store.state.stockOf(product.id)).toBe(5);
  });

  it("batches: 413 above 100 items, per-item errors inside a 200", async () => {
    const product = store.state.createProduct({ sku: "BATCH-1", stock_quantity: 1 });
    const tooBig = await api("POST", "products/batch", { body: { update: Array.from({ length: 101 }, (_, i) => ({ id: i + 1 })) } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toEqual({
      code: "woocommerce_rest_request_entity_too_large",
      message: "Unable to accept more than 100 items for this request.",
      data: { status: 413 },
    });
    const mixed = await api("POST", "products/batch", { body: { update: [{ id: product.id, stock_quantity: 9 }, { id: 987654, stock_quantity: 1 }] } });
    expect(mixed.status).toBe(200);
    expect(mixed.json.update[0]).toMatchObject({ id: product.id, stock_quantity: 9 });
    expect(mixed.json.update[1]).toEqual({ id: 987654, error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } } });
    expect(store.state.stockOf("BATCH-1")).toBe(9);
  });

  it("reads and updates variations, one by one and in batches", async () => {
    const parent = store.state.createProduct({ name: "Hoodie", sku: "HOOD", type: "variable" });
    const small = store.state.createVariation(parent.id, { sku: "HOOD-S", stock_quantity: 4 });
    expect((await api("GET", `products/${parent.id}/variations/${small.id}`)).json).toMatchObject({ id: small.id, sku: "HOOD-S", stock_quantity: 4 });
    expect((await api("PUT", `products/${parent.id}/variations/${small.id}`, { body: { stock_quantity: 2 } })).json.stock_quantity).toBe(2);
    const batch = await api("POST", `products/${parent.id}/variations/batch`, { body: { update: [{ id: small.id, inventory_delta: 3 }, { id: 1, stock_quantity: 0 }] } });
    expect(batch.json.update[0]).toMatchObject({ stock_quantity: 5 });
    expect(batch.json.update[1].error.code).toBe("woocommerce_rest_product_variation_invalid_id");
    expect(store.state.stockOf("HOOD-S")).toBe(5);
  });
});

describe("wc-auth", () => {
  const authorizeUrl = (overrides: Record<string, string | undefined> = {}) => {
    const params = { app_name: "Rappit", scope: "read_write", user_id: "u-123", return_url: `${APP}/return?attempt=9`, callback_url: `${APP}/callback`, ...overrides };
    const query = Object.entries(params)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join("&");
    return `${store.url}/wc-auth/v1/authorize?${query}`;
  };

  it("approve: POSTs the keys to the callback and sends the merchant back with success=1", async () => {
    app.status = 200;
    const before = app.received.length;
    const approved = await store.approve(authorizeUrl());
    expect(approved.status).toBe(302);
    expect(approved.location).toBe(`${APP}/return?attempt=9&success=1&user_id=u-123`);
    const callback = app.received.slice(before).find((request) => request.url === "/callback")!;
    expect(callback.method).toBe("POST");
    expect(callback.headers["content-type"]).toBe("application/json;charset=UTF-8");
    const body = JSON.parse(callback.body);
    expect(body).toEqual({ key_id: expect.any(Number), user_id: "u-123", consumer_key: expect.stringMatching(/^ck_[0-9a-f]{40}$/), consumer_secret: expect.stringMatching(/^cs_[0-9a-f]{40}$/), key_permissions: "read_write" });
    expect(store.state.keys.get(body.key_id)).toMatchObject({ consumerKey: body.consumer_key, permissions: "read_write", appUserId: "u-123" });
    expect(store.state.callbacks.at(-1)).toMatchObject({ url: `${APP}/callback`, status: 200 });
  });

  it("deletes the key and shows WooCommerce's error page when the callback is not exactly 200", async () => {
    app.status = 201;
    try {
      const keysBefore = store.state.keys.size;
      const approved = await store.approve(authorizeUrl());
      expect(approved.status).toBe(401);
      expect(approved.body).toContain("Error: An error occurred in the request and at the time were unable to send the consumer data.");
      expect(store.state.keys.size).toBe(keysBefore);
      expect(store.state.callbacks.at(-1)!.status).toBe(201);
    } finally {
      app.status = 200;
    }
  });

  it("deny: the Deny link goes to return_url with success=0, keeping its query", async () => {
    const before = app.received.length;
    expect(await store.deny(authorizeUrl())).toEqual({ location: `${APP}/return?attempt=9&success=0&user_id=u-123` });
    expect(await store.deny(authorizeUrl({ return_url: `${APP}/return` }))).toEqual({ location: `${APP}/return?success=0&user_id=u-123` });
    expect(app.received.length).toBe(before);
  });

  it("validates the handshake parameters with 401 pages", async () => {
    const page = async (url: string) => {
      const response = await fetch(url, { redirect: "manual" });
      return { status: response.status, text: await response.text(), location: response.headers.get("location") };
    };
    expect(await page(authorizeUrl({ user_id: undefined }))).toMatchObject({ status: 401, text: expect.stringContaining("Error: Missing parameter user_id.") });
    expect((await page(authorizeUrl({ scope: "read_all" }))).text).toContain("Error: Invalid scope read_all.");
    expect((await page(authorizeUrl({ callback_url: "http://app.example/callback" }))).text).toContain("Error: The callback_url needs to be over SSL.");
    expect((await page(authorizeUrl({ return_url: "https://exa mple" }))).text).toContain("is not a valid URL");
    store.state.allowInsecureCallback = true;
    try {
      const insecure = await page(authorizeUrl({ callback_url: "http://app.example/callback" }));
      expect(insecure.status).toBe(200);
      expect(insecure.text).toContain('class="button button-primary wc-auth-approve"');
    } finally {
      store.state.allowInsecureCallback = false;
    }
    expect((await page(`${store.url}/wc-auth/v1/access_granted?${new URL(authorizeUrl()).search.slice(1)}&wc_auth_nonce=nope`)).text).toContain(
      "Error: Invalid nonce verification.",
    );
  });

  it("sends a logged-out merchant to the login form, which logs in and comes back", async () => {
    store.state.loggedIn = false;
    try {
      const response = await fetch(authorizeUrl(), { redirect: "manual" });
      expect(response.status).toBe(302);
      const login = response.headers.get("location")!;
      expect(login.startsWith(`${store.url}/wc-auth/v1/login/?app_name=Rappit&user_id=u-123&return_url=`)).toBe(true);
      const form = await fetch(login);
      expect(form.status).toBe(200);
      expect(await form.text()).toContain('<form method="post" class="wc-auth-login">');
      const posted = await fetch(login, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=admin&password=secret&login=Login",
      });
      expect(posted.status).toBe(302);
      expect(posted.headers.get("location")).toContain("/wc-auth/v1/authorize/");
      expect(store.state.loggedIn).toBe(true);
    } finally {
      store.state.loggedIn = true;
    }
  });
});

describe("webhooks", () => {
  const verify = (body: string, signature: string | string[] | undefined, secret: string) =>
    createHmac("sha256", secret).update(body, "utf8").digest("base64") === signature;

  it("creates a webhook (secret never shown), pings it with a form body, then delivers signed orders", async () => {
    const before = app.received.length;
    const created = await api("POST", "webhooks", { body: { name: "Rappit orders", topic: "order.created", delivery_url: `${APP}/hooks/1`, secret: "whsec_1", status: "active" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Rappit orders", status: "active", topic: "order.created", resource: "order", event: "created", delivery_url: `${APP}/hooks/1` });
    expect(created.json).not.toHaveProperty("secret");
    expect(created.headers.get("location")).toBe(`${store.url}/wp-json/wc/v3/webhooks/${created.json.id}`);
    const ping = app.received[before];
    expect(ping).toMatchObject({ method: "POST", url: "/hooks/1", body: `webhook_id=${created.json.id}` });
    expect(ping.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.keys(ping.headers).filter((name) => name.startsWith("x-wc-"))).toEqual([]);
    expect(store.state.pings.at(-1)).toMatchObject({ webhookId: created.json.id, status: 200 });
    expect((await api("GET", `webhooks/${created.json.id}`)).json).not.toHaveProperty("secret");

    const order = await store.state.createOrder({ payment_method: "bacs" });
    const delivery = app.received.at(-1)!;
    expect(delivery.url).toBe("/hooks/1");
    expect(delivery.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "WooCommerce/10.3.0 Hookshot (WordPress/6.8)",
      "x-wc-webhook-source": `${store.url}/`,
      "x-wc-webhook-topic": "order.created",
      "x-wc-webhook-resource": "order",
      "x-wc-webhook-event": "created",
      "x-wc-webhook-id": String(created.json.id),
    });
    expect(delivery.headers["x-wc-webhook-delivery-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(verify(delivery.body, delivery.headers["x-wc-webhook-signature"], "whsec_1")).toBe(true);
    // PHP's JSON: slashes escaped, so only the raw bytes verify.
    expect(delivery.body).toContain("\\/wp-json\\/wc\\/v3\\/orders");
    expect(JSON.parse(delivery.body)).toMatchObject({ id: order.id, payment_method: "bacs", status: "processing" });
    await api("DELETE", `webhooks/${created.json.id}?force=true`);
  });

  it("redelivers byte for byte and can forge a signature", async () => {
    const hook = await api("POST", "webhooks", { body: { topic: "order.updated", delivery_url: `${APP}/hooks/2`, secret: "whsec_2" } });
    const order = await store.state.createOrder({}, { deliver: false });
    const [first] = await store.webhooks.deliver("order.updated", order.id);
    const again = await store.webhooks.redeliver(first);
    expect(again).toMatchObject({ body: first.body, headers: first.headers, redelivery: true, status: 200 });
    const [copy, original] = [app.received.at(-1)!, app.received.at(-2)!];
    expect(copy.body).toBe(original.body);
    expect(copy.headers["x-wc-webhook-signature"]).toBe(original.headers["x-wc-webhook-signature"]);
    expect(copy.headers["x-wc-webhook-delivery-id"]).toBe(original.headers["x-wc-webhook-delivery-id"]);
    const [forged] = await store.webhooks.deliverForged("order.updated", order.id);
    expect(verify(forged.body, forged.headers["X-WC-Webhook-Signature"], "whsec_2")).toBe(false);
    await api("DELETE", `webhooks/${hook.json.id}?force=true`);
  });

  it("counts consecutive failures, disables on the 7th, resets on success, never retries", async () => {
    const hook = await api("POST", "webhooks", { body: { topic: "order.updated", delivery_url: `${APP}/hooks/3`, secret: "whsec_3" } });
    const webhook = store.state.webhooks.get(hook.json.id)!;
    const order = await store.state.createOrder({}, { deliver: false });
    app.status = 500;
    try {
      await store.webhooks.deliver("order.updated", order.id);
      expect(webhook.failure_count).toBe(1);
      app.status = 302; // 200-302 is success
      await store.webhooks.deliver("order.updated", order.id);
      expect(webhook.failure_count).toBe(0);
      app.status = 503;
      for (let i = 0; i < 6; i++) await store.webhooks.deliver("order.updated", order.id);
      expect(webhook).toMatchObject({ failure_count: 6, status: "active" });
      const sent = store.webhooks.deliveries.length;
      await store.webhooks.deliver("order.updated", order.id);
      expect(webhook).toMatchObject({ failure_count: 6, status: "disabled" });
      expect(store.webhooks.deliveries.length).toBe(sent + 1);
      expect(await store.webhooks.deliver("order.updated", order.id)).toEqual([]);
    } finally {
      app.status = 200;
    }
    // Re-enabling does not reset the count: the next failure disables it again.
    expect((await api("PUT", `webhooks/${hook.json.id}`, { body: { status: "active" } })).json.status).toBe("active");
    expect(webhook.failure_count).toBe(6);
    await api("DELETE", `webhooks/${hook.json.id}?force=true`);
  });

  it("holds deliveries and coalesces them per webhook and order until flushed", async () => {
    const hook = await api("POST", "webhooks", { body: { topic: "order.updated", delivery_url: `${APP}/hooks/4`, secret: "whsec_4" } });
    const order = await store.state.createOrder({}, { deliver: false });
    store.webhooks.held = true;
    try {
      await store.state.updateOrder(order.id, { status: "on-hold" });
      await store.state.updateOrder(order.id, { status: "completed" });
      expect(store.webhooks.queue).toHaveLength(1);
    } finally {
      store.webhooks.held = false;
    }
    const [sent] = await store.webhooks.flush();
    expect(JSON.parse(sent.body)).toMatchObject({ id: order.id, status: "completed" });
    await api("DELETE", `webhooks/${hook.json.id}?force=true`);
  });
});

describe("faults", () => {
  it("answers the next requests 503 or 429 with Retry-After, then recovers", async () => {
    store.state.faults.failNext5xx = 1;
    const failed = await api("GET", "system_status");
    expect(failed.status).toBe(503);
    expect(failed.json.code).toBe("internal_server_error");
    store.state.faults.rateLimitNext = 1;
    const limited = await api("GET", "system_status");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await api("GET", "system_status")).status).toBe(200);
  });
});
