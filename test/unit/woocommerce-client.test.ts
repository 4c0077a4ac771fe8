import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WooClient } from "~/channels/woocommerce/client.server";
import {
  WooApiError,
  WooAuthError,
  WooUnreachableError,
  createWooTransport,
  type WooTransportOptions,
} from "~/channels/woocommerce/transport.server";

// The transport and client against a small local store over plain http, so every
// request is OAuth 1.0a-signed; the store checks each signature the way WooCommerce
// does, with its own implementation below.
const KEYS = { consumerKey: `ck_${"0f".repeat(20)}`, consumerSecret: `cs_${"9e".repeat(20)}` };

interface Seen {
  /** the request target as sent, signature included */
  url: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingMessage["headers"];
}
interface Answer {
  status?: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}
type Handler = (request: Seen) => Answer;

let server: Server;
let storeUrl: string;
let handler: Handler;
let seen: Seen[];
let signatureProblems: string[];
const usedNonces = new Set<string>();

/** PHP rawurlencode, written independently of the app's: percent-encode every UTF-8 byte outside A-Z a-z 0-9 - _ . ~ */
function phpRawurlencode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** WC_REST_Authentication::check_oauth_signature + check_oauth_timestamp_and_nonce, step by step. */
function checkSignature(method: string, requestUrl: URL): string | null {
  const params: Record<string, string> = {};
  for (const [key, value] of requestUrl.searchParams) params[key] = value;
  for (const required of ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"]) {
    if (!params[required]) return `missing ${required}`;
  }
  if (params.oauth_consumer_key !== KEYS.consumerKey) return "Consumer key is invalid.";
  const given = params.oauth_signature;
  delete params.oauth_signature;
  const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const query = keys.map((key) => phpRawurlencode(`${phpRawurlencode(key)}=${phpRawurlencode(params[key])}`)).join("%26");
  const base = `${method}&${phpRawurlencode(`${storeUrl}${requestUrl.pathname}`)}&${query}`;
  const algorithm = params.oauth_signature_method === "HMAC-SHA1" ? "sha1" : params.oauth_signature_method === "HMAC-SHA256" ? "sha256" : null;
  if (!algorithm) return "Invalid signature - signature method is invalid.";
  const expected = createHmac(algorithm, `${KEYS.consumerSecret}&`).update(base).digest("base64");
  if (expected !== given) return "Invalid signature - provided signature does not match.";
  if (Math.abs(Number(params.oauth_timestamp) - Date.now() / 1000) > 15 * 60) return "Invalid timestamp.";
  if (usedNonces.has(params.oauth_nonce)) return "Invalid nonce - nonce has already been used.";
  usedNonces.add(params.oauth_nonce);
  return null;
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", storeUrl);
  const problem = checkSignature(req.method ?? "", url);
  const send = (answer: Answer) => {
    res.writeHead(answer.status ?? 200, { "Content-Type": "application/json; charset=UTF-8", ...answer.headers });
    res.end(answer.raw ?? JSON.stringify(answer.body ?? null));
  };
  if (problem) {
    signatureProblems.push(problem);
    return send({ status: 401, body: { code: "woocommerce_rest_authentication_error", message: problem, data: { status: 401 } } });
  }
  const query = Object.fromEntries([...url.searchParams].filter(([key]) => !key.startsWith("oauth_")));
  const request: Seen = {
    url: req.url ?? "",
    method: req.method ?? "",
    path: url.pathname.replace("/wp-json/wc/v3", ""),
    query,
    body: raw ? JSON.parse(raw) : undefined,
    headers: req.headers,
  };
  seen.push(request);
  const answer = handler(request);
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (!res.destroyed) send(answer);
}

const FAST: WooTransportOptions = { allowInsecure: true, baseDelayMs: 1, timeoutMs: 2_000, attempts: 3 };
const transport = (options: WooTransportOptions = {}) => createWooTransport({ url: storeUrl, credentials: KEYS }, { ...FAST, ...options });
const client = (options: WooTransportOptions = {}) => new WooClient(transport(options));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

/** No message we produce may carry the secret or a signature we sent. */
function expectNoSecrets(error: Error) {
  expect(error.message).not.toContain(KEYS.consumerSecret);
  expect(error.message).not.toMatch(/oauth_signature=(?!\[redacted\])/);
  expect(String(error.stack)).not.toContain(KEYS.consumerSecret);
}

const wooError = (status: number, code: string, message: string) => ({ status, body: { code, message, data: { status } } });

function orderJson(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    number: String(id),
    status: "processing",
    currency: "EUR",
    total: "12.50",
    customer_id: 0,
    billing: { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", phone: "" },
    shipping: { first_name: "Ada", last_name: "Lovelace", address_1: "1 Analytical Way", city: "London", postcode: "N1 1AA", country: "GB" },
    payment_method: "cod",
    date_created_gmt: "2026-11-20T10:00:00",
    date_modified_gmt: "2026-11-20T10:05:00",
    date_paid_gmt: null,
    line_items: [{ id: id * 10, name: "Tea", sku: "TEA-1", quantity: 1, price: 12.5, total: "12.50" }],
    ...overrides,
  };
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  storeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  signatureProblems = [];
  handler = () => ({ status: 404, body: { code: "rest_no_route", message: "No route was found matching the URL and request method.", data: { status: 404 } } });
});

afterEach(() => {
  // Every request, retries included, carried a valid signature with a fresh nonce.
  expect(signatureProblems).toEqual([]);
});

describe("transport", () => {
  it("signs with OAuth 1.0a in the query over http, sends JSON, and never sends the secret", async () => {
    handler = () => ({ status: 201, body: { id: 5 } });
    const response = await transport().request<{ id: number }>("POST", "/products", {
      query: { context: "edit", dry: false, skip: undefined },
      body: { name: "Tea & Biscuits", tags: ["a b", "ü"] },
    });
    expect(response).toMatchObject({ status: 201, data: { id: 5 } });
    expect(seen).toHaveLength(1);
    expect(seen[0].query).toEqual({ context: "edit", dry: "false" });
    expect(seen[0].body).toEqual({ name: "Tea & Biscuits", tags: ["a b", "ü"] });
    expect(seen[0].headers["content-type"]).toBe("application/json");
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen[0])).not.toContain(KEYS.consumerSecret);
  });

  it("signs query values that need encoding (dates, spaces, reserved characters)", async () => {
    handler = () => ({ body: [] });
    await transport().request("GET", "/orders", { query: { modified_after: "2026-11-20T15:00:00", search: "a b+c/d?e&f=g*'()!~ü" } });
    expect(seen[0].query).toEqual({ modified_after: "2026-11-20T15:00:00", search: "a b+c/d?e&f=g*'()!~ü" });
  });

  it("retries a 503 and then succeeds, with a fresh nonce each attempt", async () => {
    let calls = 0;
    handler = () => (++calls < 3 ? wooError(503, "service_unavailable", "Down for maintenance") : { body: { ok: true } });
    const response = await transport().request<{ ok: boolean }>("GET", "/system_status");
    expect(response.data).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
  });

  it("gives up after the configured attempts with the store's 5xx error", async () => {
    handler = () => wooError(500, "internal_server_error", "There has been a critical error on this website.");
    const error = await failure(transport({ attempts: 2 }).request("GET", "/orders"));
    expect(error).toBeInstanceOf(WooApiError);
    expect(error).toMatchObject({ status: 500, code: "internal_server_error" });
    expect(error.message).toContain("There has been a critical error on this website");
    expect(error.message).toContain("GET /orders");
    expect(seen).toHaveLength(2);
  });

  it("honours Retry-After on a 429", async () => {
    let calls = 0;
    handler = () => (++calls === 1 ? { ...wooError(429, "too_many_requests", "Slow down"), headers: { "Retry-After": "1" } } : { body: [] });
    const started = Date.now();
    await transport({ baseDelayMs: 1 }).request("GET", "/orders");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  it("does not retry a 400, and reports the store's code and message", async () => {
    handler = () => wooError(400, "rest_invalid_param", "Invalid parameter(s): per_page");
    const error = await failure(transport().request("GET", "/orders", { query: { per_page: 500 } }));
    expect(error).toBeInstanceOf(WooApiError);
    expect(error).not.toBeInstanceOf(WooAuthError);
    expect(error).toMatchObject({ status: 400, code: "rest_invalid_param" });
    expect(error.message).toMatch(/answered 400 to GET \/orders: Invalid parameter\(s\): per_page/);
    expect(seen).toHaveLength(1);
  });

  it("turns a 401 into WooAuthError with the store's message, without retrying", async () => {
    handler = () => wooError(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.");
    const error = await failure(transport().request("GET", "/orders"));
    expect(error).toBeInstanceOf(WooAuthError);
    expect(error).toMatchObject({ status: 401, code: "woocommerce_rest_authentication_error" });
    expect(error.message).toContain("Consumer key is invalid");
    expect(error.message).toContain("Reconnect");
    expect(seen).toHaveLength(1);
    expectNoSecrets(error);
  });

  it("times out each attempt, retries a GET, then reports the store unreachable", async () => {
    handler = () => ({ body: [], delayMs: 1_000 });
    const error = await failure(transport({ timeoutMs: 100, attempts: 2 }).request("GET", "/orders"));
    expect(error).toBeInstanceOf(WooUnreachableError);
    expect(error.message).toMatch(/did not answer GET \/orders within 0\.1 s/);
    expect(seen).toHaveLength(2);
    expectNoSecrets(error);
  });

  it("never repeats a plain POST that may have reached the store", async () => {
    handler = () => ({ status: 201, body: {}, delayMs: 1_000 });
    const timedOut = await failure(transport({ timeoutMs: 100 }).request("POST", "/orders/1/notes", { body: { note: "x" } }));
    expect(timedOut).toBeInstanceOf(WooUnreachableError);
    expect(timedOut.message).toContain("may still have been applied");
    expect(seen).toHaveLength(1);

    seen = [];
    handler = () => wooError(503, "unavailable", "Try later");
    expect(await failure(transport().request("POST", "/orders/1/notes", { body: { note: "x" } }))).toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
  });

  it("repeats a POST the caller marks idempotent", async () => {
    let calls = 0;
    handler = () => (++calls === 1 ? wooError(502, "bad_gateway", "Bad gateway") : { body: { update: [] } });
    await transport().request("POST", "/products/batch", { body: { update: [] }, idempotent: true });
    expect(seen).toHaveLength(2);
  });

  it("retries a refused connection and then reports the store unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const error = await failure(
      createWooTransport({ url: `http://127.0.0.1:${port}`, credentials: KEYS }, { ...FAST, baseDelayMs: 20 }).request("GET", "/orders"),
    );
    expect(error).toBeInstanceOf(WooUnreachableError);
    expect(error.message).toContain("connection was refused");
    expect(Date.now() - started).toBeGreaterThanOrEqual(20); // it waited before retrying
    expectNoSecrets(error);
  });

  it("explains an HTML page where JSON was expected", async () => {
    handler = () => ({ raw: "<!DOCTYPE html><html><body>Welcome to my blog</body></html>", headers: { "Content-Type": "text/html" } });
    const error = await failure(transport().request("GET", "/orders"));
    expect(error).toBeInstanceOf(WooApiError);
    expect(error).toMatchObject({ status: 200, code: null });
    expect(error.message).toMatch(/web page instead of WooCommerce data.*permalinks/);
    expect(seen).toHaveLength(1);
  });

  it("does not follow a redirect, and names only where it points", async () => {
    handler = () => ({ status: 301, raw: "", headers: { Location: "https://www.example.com/wp-json/wc/v3/orders?oauth_signature=abc" } });
    const error = await failure(transport().request("GET", "/orders"));
    expect(error).toMatchObject({ status: 301 });
    expect(error.message).toContain("redirected GET /orders to https://www.example.com");
    expect(error.message).not.toContain("oauth_signature");
  });

  it("keeps the secret and signatures out of errors even when the store echoes them", async () => {
    handler = (request) =>
      wooError(400, "rest_invalid_param", `Bad request ${storeUrl}${request.url}&consumer_secret=${KEYS.consumerSecret} (${KEYS.consumerSecret})`);
    const error = await failure(transport().request("GET", "/orders"));
    const signature = new URL(seen[0].url, storeUrl).searchParams.get("oauth_signature")!;
    expectNoSecrets(error);
    expect(error.message).not.toContain(signature);
    expect(error.message).not.toContain(encodeURIComponent(signature));
    expect(error.message).toContain("oauth_signature=[redacted]");
  });
});

describe("WooClient", () => {
  it("verify reads the store's URL, version and currency from system_status", async () => {
    handler = () => ({
      body: { environment: { home_url: "https://Shop.Example.com/", site_url: "x", version: "9.4.2" }, settings: { currency: "EUR" } },
    });
    expect(await client().verify()).toEqual({ storeUrl: "https://shop.example.com", wooVersion: "9.4.2", currency: "EUR" });
    expect(seen[0]).toMatchObject({ method: "GET", path: "/system_status" });

    handler = () => ({ body: { environment: null } });
    expect(await client().verify()).toEqual({ storeUrl, wooVersion: null, currency: null });
  });

  it("verify explains a store without the WooCommerce API", async () => {
    const error = await failure(client().verify());
    expect(error).toMatchObject({ status: 404, code: "rest_no_route" });
    expect(error.message).toContain("WooCommerce is installed and active");
  });

  it("lists modified orders across 3 pages, oldest change first", async () => {
    handler = (request) => {
      const page = Number(request.query.page);
      return { body: [orderJson(page * 2 - 1), orderJson(page * 2)], headers: { "X-WP-Total": "6", "X-WP-TotalPages": "3" } };
    };
    const pages = [];
    for await (const page of client().listOrdersModifiedAfter(new Date("2026-11-20T15:00:00.123Z"))) pages.push(page.map((o) => o.id));
    expect(pages).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(seen.map((r) => r.query)).toEqual(
      [1, 2, 3].map((page) => ({
        per_page: "100",
        page: String(page),
        orderby: "modified",
        order: "asc",
        dates_are_gmt: "true",
        modified_after: "2026-11-20T15:00:00",
        status: "any",
      })),
    );
  });

  it("lists every order when no date is given, and stops on an empty store", async () => {
    handler = () => ({ body: [], headers: { "X-WP-TotalPages": "0" } });
    const pages = [];
    for await (const page of client().listOrdersModifiedAfter(null)) pages.push(page);
    expect(pages).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0].query).not.toHaveProperty("modified_after");
  });

  it("getOrder validates the order", async () => {
    handler = () => ({ body: orderJson(42, { _links: { self: [] } }) });
    const order = await client().getOrder(42);
    expect(order).toMatchObject({ id: 42, status: "processing", _links: { self: [] } });
    expect(seen[0].path).toBe("/orders/42");
    await expect(client().getOrder("1/../../users")).rejects.toThrow(/not a WooCommerce id/);
  });

  it("creates, lists and deletes webhooks (a missing one counts as deleted)", async () => {
    handler = (request) => {
      if (request.method === "POST") return { status: 201, body: { id: 9, status: "active", name: "x", secret: "" } };
      if (request.method === "GET") return { body: [{ id: 9, topic: "order.created", delivery_url: "https://app.example/w", status: "active", name: "x" }] };
      return request.path === "/webhooks/9" ? { body: { id: 9 } } : wooError(404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
    };
    const c = client();
    expect(await c.createWebhook({ name: "Rappit order.created", topic: "order.created", deliveryUrl: "https://app.example/w", secret: "s3cret" })).toEqual({
      id: 9,
      status: "active",
    });
    expect(seen[0].body).toEqual({ name: "Rappit order.created", topic: "order.created", delivery_url: "https://app.example/w", secret: "s3cret", status: "active" });
    expect(await c.listWebhooks()).toEqual([{ id: 9, topic: "order.created", delivery_url: "https://app.example/w", status: "active" }]);
    await c.deleteWebhook(9);
    await c.deleteWebhook(10);
    expect(seen.slice(2).map((r) => [r.method, r.path, r.query.force])).toEqual([
      ["DELETE", "/webhooks/9", "true"],
      ["DELETE", "/webhooks/10", "true"],
    ]);
  });

  it("setStock sends 250 products in 3 batches and maps per-item errors back in input order", async () => {
    handler = (request) => {
      const update = (request.body as { update: Array<{ id: number; manage_stock: boolean; stock_quantity: number }> }).update;
      return {
        body: {
          update: update.map((item) =>
            item.id % 50 === 0
              ? { id: item.id, error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } } }
              : { id: item.id, stock_quantity: item.stock_quantity, manage_stock: true },
          ),
        },
      };
    };
    const items = Array.from({ length: 250 }, (_, i) => ({ productId: 1000 - i, quantity: i }));
    const results = await client().setStock(items);

    expect(seen.map((r) => [r.method, r.path, (r.body as { update: unknown[] }).update.length])).toEqual([
      ["POST", "/products/batch", 100],
      ["POST", "/products/batch", 100],
      ["POST", "/products/batch", 50],
    ]);
    expect((seen[0].body as { update: unknown[] }).update[1]).toEqual({ id: 999, manage_stock: true, stock_quantity: 1 });
    expect(results).toHaveLength(250);
    results.forEach((result, i) => {
      expect(result.productId).toBe(1000 - i);
      expect(result.variationId).toBeNull();
      expect(result.ok).toBe((1000 - i) % 50 !== 0);
    });
    expect(results[0]).toEqual({ productId: 1000, variationId: null, ok: false, code: "woocommerce_rest_product_invalid_id", message: "Invalid ID." });
  });

  it("setStock sends variations to their product's batch route and fails a refused batch per item", async () => {
    handler = (request) =>
      request.path === "/products/8/variations/batch"
        ? wooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        : { body: { update: (request.body as { update: Array<{ id: number }> }).update.map(({ id }) => ({ id })) } };
    const results = await client().setStock([
      { productId: 7, variationId: 71, quantity: 3 },
      { productId: 5, quantity: 1 },
      { productId: 8, variationId: 81, quantity: 0 },
      { productId: 7, variationId: 72, quantity: 4 },
      { productId: 6, variationId: null, quantity: 1.5 },
    ]);
    expect(seen.map((r) => [r.path, r.body])).toEqual([
      [
        "/products/7/variations/batch",
        {
          update: [
            { id: 71, manage_stock: true, stock_quantity: 3 },
            { id: 72, manage_stock: true, stock_quantity: 4 },
          ],
        },
      ],
      ["/products/batch", { update: [{ id: 5, manage_stock: true, stock_quantity: 1 }] }],
      ["/products/8/variations/batch", { update: [{ id: 81, manage_stock: true, stock_quantity: 0 }] }],
    ]);
    expect(results).toEqual([
      { productId: 7, variationId: 71, ok: true },
      { productId: 5, variationId: null, ok: true },
      { productId: 8, variationId: 81, ok: false, code: "woocommerce_rest_product_invalid_id", message: expect.stringContaining("Invalid ID.") },
      { productId: 7, variationId: 72, ok: true },
      { productId: 6, variationId: null, ok: false, code: "invalid_quantity", message: expect.any(String) },
    ]);
  });

  it("setStock retries a batch after a 503 (absolute levels are safe to send twice)", async () => {
    let calls = 0;
    handler = (request) =>
      ++calls === 1 ? wooError(503, "unavailable", "busy") : { body: { update: (request.body as { update: Array<{ id: number }> }).update } };
    expect(await client().setStock([{ productId: 1, quantity: 2 }])).toEqual([{ productId: 1, variationId: null, ok: true }]);
    expect(seen).toHaveLength(2);
  });

  it("completeOrder writes a fulfillment with tracking before completing the order", async () => {
    handler = (request) => {
      if (request.method === "GET") {
        return {
          body: orderJson(55, {
            line_items: [
              { id: 1, name: "A", sku: "A", quantity: 2, price: 1, total: "2.00" },
              { id: 2, name: "B", sku: "B", quantity: 1, price: 1, total: "1.00" },
            ],
          }),
        };
      }
      return request.path.endsWith("/fulfillments") ? { status: 201, body: { fulfillment: { id: 3 } } } : { body: orderJson(55, { status: "completed" }) };
    };
    const result = await client().completeOrder(55, { company: "DHL", number: "JD0146", url: "https://dhl.example/t/JD0146" }, { fulfillmentsApi: true });
    expect(result).toEqual({ via: "fulfillments" });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /orders/55", "POST /orders/55/fulfillments", "PUT /orders/55"]);
    expect(seen[1].body).toEqual({
      status: "fulfilled",
      is_fulfilled: true,
      notify_customer: true,
      meta_data: [
        {
          key: "_items",
          value: [
            { item_id: 1, qty: 2 },
            { item_id: 2, qty: 1 },
          ],
        },
        { key: "_tracking_number", value: "JD0146" },
        { key: "_shipment_provider", value: "DHL" },
        { key: "_tracking_provider", value: "DHL" },
        { key: "_tracking_url", value: "https://dhl.example/t/JD0146" },
      ],
    });
    expect(seen[2].body).toEqual({ status: "completed" });
  });

  it("completeOrder falls back to a customer note when the store has no fulfillments route", async () => {
    handler = (request) => {
      if (request.method === "GET") return { body: orderJson(55) };
      if (request.path.endsWith("/fulfillments")) return wooError(404, "rest_no_route", "No route was found matching the URL and request method.");
      if (request.path.endsWith("/notes")) return { status: 201, body: { id: 900 } };
      return { body: orderJson(55, { status: "completed" }) };
    };
    const result = await client().completeOrder("55", { company: "Aramex", number: "AX123", url: null }, { fulfillmentsApi: true });
    expect(result).toEqual({ via: "note" });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /orders/55", "POST /orders/55/fulfillments", "POST /orders/55/notes", "PUT /orders/55"]);
    expect(seen[2].body).toEqual({ note: "Shipped with Aramex: tracking AX123", customer_note: true });
  });

  it("completeOrder without tracking only sets the status, and stops before it when tracking fails", async () => {
    handler = () => ({ body: orderJson(55, { status: "completed" }) });
    expect(await client().completeOrder(55, null, { fulfillmentsApi: true })).toEqual({ via: "status-only" });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["PUT /orders/55"]);

    seen = [];
    handler = () => wooError(400, "woocommerce_rest_invalid_order", "Order is locked.");
    const error = await failure(client().completeOrder(55, { company: "DHL", number: "1", url: null }, { fulfillmentsApi: false }));
    expect(error).toMatchObject({ status: 400 });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /orders/55/notes"]);
  });
});
