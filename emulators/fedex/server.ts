// FedEx's REST API on loopback for tests and the demo (carriers-woo.md section 2):
// OAuth client_credentials, Rate, Ship, Cancel, Track and Track by References.
// Point the app's FedEx base URL at `url`. Never imports app code: an emulator
// that shared our code would agree with our bugs.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { MESSAGES, fedexError, fedexErrors } from "./errors";
import { bearerToken, readBody, record, writeJson, type Reply } from "./http";
import { tokenReply } from "./oauth";
import { cancelReply, rateReply, shipReply, type BusinessContext } from "./shipping";
import { FedexState, type RequestCounts } from "./state";
import { lookupReply, trackReply } from "./tracking";

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
  { method: "POST", path: "/oauth/token", kind: "token" },
  { method: "POST", path: "/rate/v1/rates/quotes", kind: "rate", handle: rateReply },
  { method: "POST", path: "/ship/v1/shipments", kind: "ship", handle: shipReply },
  { method: "PUT", path: "/ship/v1/shipments/cancel", kind: "cancel", handle: cancelReply },
  { method: "POST", path: "/track/v1/referencenumbers", kind: "lookup", handle: lookupReply },
  { method: "POST", path: "/track/v1/trackingnumbers", kind: "track", handle: trackReply },
];

/** The reply, or "hang": handled, but the answer is never sent. */
async function handle(state: FedexState, request: IncomingMessage, path: string): Promise<{ reply: Reply; hang: boolean }> {
  const raw = await readBody(request);
  const route = ROUTES.find((candidate) => candidate.path === path && candidate.method === request.method);
  if (!route) return { reply: fedexError(404, "NOT.FOUND.ERROR", MESSAGES.notFound), hang: false };
  state.counts[route.kind] += 1;
  const { faults } = state;
  if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

  // Faults model FedEx's gateway: the request never reaches the service behind it.
  const business = route.handle !== undefined;
  if (business || faults.includeTokenRequests) {
    if (faults.rateLimitNext > 0) {
      faults.rateLimitNext -= 1;
      return { reply: fedexErrors(429, [{ code: "RATE.LIMIT.EXCEEDED", message: MESSAGES.tooMany }], { "Retry-After": String(faults.retryAfterSeconds) }), hang: false };
    }
    if (faults.fail5xxNext > 0) {
      faults.fail5xxNext -= 1;
      return { reply: fedexError(503, "SERVICE.UNAVAILABLE.ERROR", MESSAGES.unavailable), hang: false };
    }
  }
  if (!route.handle) return { reply: tokenReply(state, request.headers["content-type"] ?? "", raw), hang: false };
  if (route.kind === "ship" && faults.rejectShips && faults.rejectShips.count > 0) {
    faults.rejectShips.count -= 1;
    return { reply: fedexError(400, faults.rejectShips.code, faults.rejectShips.message), hang: false };
  }

  // Claimed on arrival, so with concurrent requests the first to arrive is the one that hangs.
  const hangShip = route.kind === "ship" && faults.hangShips > 0;
  const hang = hangShip || faults.hangNext > 0;
  if (hangShip) faults.hangShips -= 1;
  else if (hang) faults.hangNext -= 1;
  const token = state.authenticate(bearerToken(request.headers.authorization));
  if (typeof token === "string") return { reply: fedexError(401, "NOT.AUTHORIZED.ERROR", MESSAGES.expired), hang };
  let body: unknown;
  try {
    body = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    // Assumption: FedEx's wording for an unparseable body.
    return { reply: fedexError(400, "INVALID.INPUT.EXCEPTION", "Invalid field value in the input: the request body is not valid JSON."), hang };
  }
  return { reply: route.handle({ state, token, body: record(body) ?? {} }), hang };
}

export async function startFedexEmulator(): Promise<CarrierEmulator<FedexState>> {
  const state = new FedexState();
  const server = createServer((request, response) => {
    const method = request.method ?? "GET";
    const path = new URL(request.url ?? "/", "http://emulator").pathname;
    const customerTransactionId = request.headers["x-customer-transaction-id"]?.toString();
    handle(state, request, path)
      .catch((error: Error) => ({ reply: fedexError(500, "INTERNAL.SERVER.ERROR", `${MESSAGES.internal} (emulator: ${error.message})`), hang: false }))
      .then(({ reply, hang }) => {
        state.requests.push({ method, path, status: hang ? null : reply.status, at: new Date().toISOString() });
        // A hung request keeps its socket open until the client gives up or close() runs.
        if (hang) return;
        // Every FedEx reply except the OAuth grant itself carries the transaction ids.
        const ids = { transactionId: randomUUID(), ...(customerTransactionId ? { customerTransactionId } : {}) };
        writeJson(response, reply.status, reply.bare ? reply.body : { ...ids, ...reply.body }, reply.headers);
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

export { FedexState } from "./state";
export type { FedexAccount, FedexFaults, FedexShipment, FedexToken, RequestCounts, RequestLogEntry } from "./state";
