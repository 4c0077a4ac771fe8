// DHL eCommerce Americas v4 on loopback for tests and the demo (carriers-woo.md
// section 3): client_credentials tokens, products (rates), one label per request,
// label reprint and package tracking. Point the app's DHL base URL at `url`.
// Never imports app code: an emulator that shared our code would agree with our bugs.
import { createServer, type IncomingMessage } from "node:http";
import { tokenReply } from "./auth";
import { bearerToken, readBody, record, writeJson, type Reply } from "./http";
import { problem, unauthorized } from "./problems";
import { labelReply, productsReply, reprintReply, type BusinessContext } from "./shipping";
import { DhlState, type RequestCounts } from "./state";
import { trackReply } from "./tracking";

export interface CarrierEmulator<State> {
  url: string;
  state: State;
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string;
  kind: keyof RequestCounts;
  handle?: (ctx: BusinessContext) => Reply;
}

const ROUTES: Route[] = [
  { method: "POST", path: "/auth/v4/accesstoken", kind: "token" },
  { method: "POST", path: "/shipping/v4/products", kind: "rate", handle: productsReply },
  { method: "POST", path: "/shipping/v4/label", kind: "ship", handle: labelReply },
  { method: "GET", path: "/shipping/v4/label", kind: "lookup", handle: reprintReply },
  { method: "GET", path: "/tracking/v4/package", kind: "track", handle: trackReply },
];

/** The reply, or "hang": handled, but the answer is never sent. */
async function handle(state: DhlState, request: IncomingMessage, url: URL): Promise<{ reply: Reply; hang: boolean }> {
  const raw = await readBody(request);
  const route = ROUTES.find((candidate) => candidate.path === url.pathname && candidate.method === request.method);
  if (!route) return { reply: problem(404, "Not Found", `No resource at ${request.method} ${url.pathname}`), hang: false };
  state.counts[route.kind] += 1;
  const { faults } = state;
  if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

  // Faults model DHL's gateway: the request never reaches the service behind it.
  const business = route.handle !== undefined;
  if (business || faults.includeTokenRequests) {
    if (faults.rateLimitNext > 0) {
      faults.rateLimitNext -= 1;
      return { reply: problem(429, "Too Many Requests", "Rate limit exceeded", { "Retry-After": String(faults.retryAfterSeconds) }), hang: false };
    }
    if (faults.fail5xxNext > 0) {
      faults.fail5xxNext -= 1;
      return { reply: problem(503, "Service Unavailable", "The service is temporarily unavailable"), hang: false };
    }
  }
  if (!route.handle) {
    return { reply: tokenReply(state, { contentType: request.headers["content-type"] ?? "", authorization: request.headers.authorization }, raw), hang: false };
  }

  // Claimed on arrival, so with concurrent requests the first to arrive is the one that hangs.
  const hang = faults.hangNext > 0;
  if (hang) faults.hangNext -= 1;
  const token = state.authenticate(bearerToken(request.headers.authorization));
  // Assumption: "Invalid access token" for a missing, unknown or revoked token (the reference gives only the expired wording).
  if (token === "expired") return { reply: unauthorized("Access token expired"), hang };
  if (typeof token === "string") return { reply: unauthorized("Invalid access token"), hang };
  let body: unknown = {};
  if (request.method === "POST") {
    try {
      body = raw.trim() === "" ? {} : JSON.parse(raw);
    } catch {
      return { reply: problem(400, "Bad Request", "The request body is not valid JSON"), hang };
    }
  }
  return { reply: route.handle({ state, token, query: url.searchParams, body: record(body) ?? {} }), hang };
}

export async function startDhlEmulator(): Promise<CarrierEmulator<DhlState>> {
  const state = new DhlState();
  const server = createServer((request, response) => {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://emulator");
    handle(state, request, url)
      .catch((error: Error) => ({ reply: problem(500, "Internal Server Error", `emulator error: ${error.message}`), hang: false }))
      .then(({ reply, hang }) => {
        state.requests.push({ method, path: url.pathname, status: hang ? null : reply.status, at: new Date().toISOString() });
        // A hung request keeps its socket open until the client gives up or close() runs.
        if (hang) return;
        writeJson(response, reply.status, reply.body, reply.headers);
      });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { DhlState } from "./state";
export type { DhlAccount, DhlFaults, DhlLabelFormat, DhlShipment, DhlToken, DhlTrackingEvent, RequestCounts, RequestLogEntry } from "./state";
