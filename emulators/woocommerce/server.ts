// One WooCommerce store on loopback for tests and the demo: /wc-auth/v1/ for
// the key handshake, /wp-json/wc/v3/ for the REST API, webhooks out. Over
// plain HTTP the store is not is_ssl(), so only OAuth 1.0a authenticates;
// with `tls` it serves HTTPS and accepts Basic credentials. Never imports app
// code: an emulator that shared our code would agree with our bugs.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { htmlReply, readBody, writeReply, type HttpReply } from "./http";
import { fulfillmentRoutes } from "./fulfillments";
import { noteRoutes } from "./notes";
import { orderRoutes } from "./orders";
import { phpJsonEncode } from "./php";
import { productRoutes } from "./products";
import { NO_ROUTE, denied, restError, type RestContext, type RestReply, type RestRoute } from "./rest";
import { BASIC_REALM, authenticate, keyPermissionError } from "./rest-auth";
import { WooState } from "./state";
import { systemRoutes } from "./system";
import { handleWcAuth, merchantApprove, merchantDeny } from "./wc-auth";
import { WooWebhookSender } from "./webhook-sender";
import { webhookRoutes } from "./webhooks";

export interface WooEmulatorOptions {
  /** Serve HTTPS with this key/cert (PEM). Default: plain HTTP. */
  tls?: { key: string; cert: string };
  /** Rewrites callback_url / delivery_url origins before the store calls them (the app under test listens on loopback while it advertises https://app.example). Default: identity. */
  routeOutbound?: (url: string) => string;
}

export interface WooCommerceEmulator {
  /** The store URL (home URL), e.g. "http://127.0.0.1:41234" — no trailing slash. */
  url: string;
  state: WooState;
  webhooks: WooWebhookSender;
  /** Programmatic merchant clicks on the grant page, for tests without a browser. */
  approve(authorizeUrl: string): Promise<{ status: number; location: string | null; body: string }>;
  deny(authorizeUrl: string): Promise<{ location: string }>;
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=UTF-8";

function restReply(reply: RestReply): HttpReply {
  return {
    status: reply.status,
    headers: {
      "Content-Type": JSON_TYPE,
      "X-Robots-Tag": "noindex",
      "X-Content-Type-Options": "nosniff",
      "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
      ...reply.headers,
    },
    body: phpJsonEncode(reply.body),
  };
}

function parseBody(raw: string, contentType: string): { value: unknown; invalidJson: boolean } {
  if (raw.trim() === "") return { value: null, invalidJson: false };
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return { value: Object.fromEntries(new URLSearchParams(raw)), invalidJson: false };
  // WordPress reads a JSON body when the Content-Type says so.
  if (!/json/i.test(contentType)) return { value: null, invalidJson: false };
  try {
    return { value: JSON.parse(raw), invalidJson: false };
  } catch {
    return { value: null, invalidJson: true };
  }
}

export async function startWooCommerceEmulator(options: WooEmulatorOptions = {}): Promise<WooCommerceEmulator> {
  const routeOutbound = options.routeOutbound ?? ((url: string) => url);
  const tls = options.tls !== undefined;
  const state = new WooState();
  const webhooks = new WooWebhookSender(state, routeOutbound);
  state.events = { deliver: (topic, id) => webhooks.deliver(topic, id), schedule: (topic, id) => webhooks.schedule(topic, id) };
  const baseRoutes: RestRoute[] = [...systemRoutes, ...orderRoutes, ...noteRoutes, ...productRoutes, ...webhookRoutes(webhooks)];

  async function rest(request: IncomingMessage, rawPath: string, rawQuery: string, raw: string): Promise<RestReply> {
    // Faults model the host in front of WordPress, so they come before everything else.
    if (state.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.faults.latencyMs));
    if (state.faults.rateLimitNext > 0) {
      state.faults.rateLimitNext -= 1;
      return { ...restError(429, "rest_too_many_requests", "Too many requests, please slow down."), headers: { "Retry-After": "1" } };
    }
    if (state.faults.failNext5xx > 0) {
      state.faults.failNext5xx -= 1;
      return restError(503, "internal_server_error", "There has been a critical error on this website.");
    }

    const contentType = request.headers["content-type"] ?? "";
    const wireMethod = (request.method ?? "GET").toUpperCase();
    const query = [...new URLSearchParams(rawQuery)];
    const override = query.find(([name]) => name === "_method")?.[1] ?? request.headers["x-http-method-override"]?.toString();
    const method = wireMethod === "POST" && override ? override.toUpperCase() : wireMethod;

    const auth = authenticate(state, {
      method: wireMethod,
      url: request.url ?? "/",
      headers: request.headers,
      formBody: /application\/x-www-form-urlencoded/i.test(contentType) ? raw : null,
      tls,
    });
    if (auth.error) {
      const reply = restError(401, auth.error.code, auth.error.message);
      return auth.error.basic ? { ...reply, headers: { "WWW-Authenticate": BASIC_REALM } } : reply;
    }
    if (auth.key) {
      const refused = keyPermissionError(auth.key, method);
      if (refused) return refused;
    }

    let route: string;
    try {
      route = decodeURIComponent(rawPath.slice("/wp-json".length));
    } catch {
      return NO_ROUTE();
    }
    const routes = state.fulfillmentsApi ? [...baseRoutes, ...fulfillmentRoutes] : baseRoutes;
    const routingMethod = method === "HEAD" ? "GET" : method;
    if (routingMethod === "OPTIONS") {
      const methods = routes.filter((candidate) => candidate.pattern.test(route)).flatMap((candidate) => candidate.methods);
      if (methods.length === 0) return NO_ROUTE();
      return { status: 200, body: { namespace: "wc/v3", methods: [...new Set(methods)] }, headers: { Allow: [...new Set(methods)].join(", ") } };
    }
    let match: RegExpExecArray | null = null;
    const found = routes.find((candidate) => candidate.methods.includes(routingMethod) && (match = candidate.pattern.exec(route)) !== null);
    if (!found || !match) return NO_ROUTE();

    const parsed = parseBody(raw, contentType);
    if (parsed.invalidJson) {
      return restError(400, "rest_invalid_json", "Invalid JSON body passed.", { json_error_code: 4, json_error_message: "Syntax error" });
    }
    const body = parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : null;
    const ctx: RestContext = {
      state,
      method: routingMethod,
      route,
      params: { ...(match as RegExpExecArray).groups },
      query,
      body,
      rawBody: parsed.value,
      key: auth.key,
    };
    const invalid = found.validate?.(ctx) ?? found.precheck?.(ctx);
    if (invalid) return invalid;
    if (!auth.key && found.capability) {
      const objectCheck = ["view", "edit", "delete"].includes(found.capability) && found.exists;
      if (!objectCheck || found.exists!(ctx)) return denied(found.capability);
    }
    return found.handle(ctx);
  }

  async function handle(request: IncomingMessage): Promise<HttpReply> {
    const rawUrl = request.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const rawPath = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
    const rawQuery = queryAt >= 0 ? rawUrl.slice(queryAt + 1) : "";
    const raw = await readBody(request);
    const method = (request.method ?? "GET").toUpperCase();

    if (rawPath === "/wp-json" || rawPath.startsWith("/wp-json/")) return restReply(await rest(request, rawPath, rawQuery, raw));

    const contentType = request.headers["content-type"] ?? "";
    const formBody = /application\/x-www-form-urlencoded/i.test(contentType) ? raw : null;
    const pretty = /^\/wc-auth\/v1\/(.*)$/.exec(rawPath);
    const plain = rawPath === "/" ? new URLSearchParams(rawQuery) : null;
    // WordPress trims slashes off the request path before matching its rewrite rules.
    if (pretty) return handleWcAuth(state, { method, route: pretty[1].replace(/^\/+|\/+$/g, ""), query: rawQuery, formBody }, routeOutbound);
    if (plain?.get("wc-auth-version") === "1" && plain.get("wc-auth-route")) {
      return handleWcAuth(state, { method, route: plain.get("wc-auth-route")!, query: rawQuery, formBody }, routeOutbound);
    }
    return htmlReply(404, "<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>");
  }

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request).then(
      (reply) => writeReply(response, reply, request.method !== "HEAD"),
      (error: Error) =>
        writeReply(response, restReply(restError(500, "internal_server_error", `emulator error: ${error.message}`))),
    );
  };
  const server = tls ? createHttpsServer({ key: options.tls!.key, cert: options.tls!.cert }, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  state.homeUrl = `${tls ? "https" : "http"}://127.0.0.1:${port}`;

  return {
    url: state.homeUrl,
    state,
    webhooks,
    approve: (authorizeUrl) => merchantApprove(authorizeUrl, options.tls?.cert),
    deny: (authorizeUrl) => merchantDeny(authorizeUrl, options.tls?.cert),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type { WooState } from "./state";
export type { WooWebhookSender, WooDelivery } from "./webhook-sender";
