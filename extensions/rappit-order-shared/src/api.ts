// Typed calls to Rappit's extension API. The admin adds the session token to a relative
// fetch from an admin UI extension, so the paths stay relative and no token is handled here.
// Every answer becomes an ApiResult: the views decide what to say from `kind`, never from
// raw status codes.
import type { Decision, DecisionAnswer, LabelAnswer, OrderSummary, RatesAnswer, RetryAnswer } from "./types";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type ApiFailureKind =
  | "badRequest" // 400
  | "unauthorized" // 401
  | "forbidden" // 403
  | "notFound" // 404
  | "conflict" // 409
  | "unprocessable" // 422
  | "rateLimited" // 429
  | "unavailable" // 503
  | "server" // any other status
  | "network"; // no answer at all

export interface ApiFailure {
  ok: false;
  kind: ApiFailureKind;
  status: number | null;
  /** The server's `error`, or a sentence of ours when it sent none. */
  message: string;
  retryAfterSeconds: number | null;
  /** A 409 on a decision says who decided first and when. */
  decidedByEmail: string | null;
  decidedAt: string | null;
  decidedVia: string | null;
  decisionStatus: string | null;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

const KIND_BY_STATUS: Record<number, ApiFailureKind> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "notFound",
  409: "conflict",
  422: "unprocessable",
  429: "rateLimited",
  503: "unavailable",
};

const DEFAULT_MESSAGE: Record<ApiFailureKind, string> = {
  badRequest: "Rappit could not read the request.",
  unauthorized: "Your session has expired: reload the page.",
  forbidden: "You are not allowed to do this.",
  notFound: "Rappit has no record of this order.",
  conflict: "Someone else changed this order first.",
  unprocessable: "Rappit cannot do this for the order as it is.",
  rateLimited: "Too many requests: wait a moment and try again.",
  unavailable: "The service is not answering: try again shortly.",
  server: "Rappit had a problem answering.",
  network: "Rappit could not be reached.",
};

export const orderPath = (orderId: string) => `/api/extensions/orders/${encodeURIComponent(orderId)}`;
export const deadLetterRetryPath = (id: string) => `/api/extensions/dead-letters/${encodeURIComponent(id)}/retry`;

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

function failure(kind: ApiFailureKind, status: number | null, body: unknown, retryAfter: number | null): ApiFailure {
  const fields = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    ok: false,
    kind,
    status,
    message: text(fields.error) ?? DEFAULT_MESSAGE[kind],
    retryAfterSeconds: retryAfter,
    decidedByEmail: text(fields.decidedByEmail),
    decidedAt: text(fields.decidedAt),
    decidedVia: text(fields.decidedVia),
    decisionStatus: text(fields.status),
  };
}

/** Maps one HTTP answer to an ApiResult; exported so the mapping is tested on real Responses. */
export async function toApiResult<T>(response: Response): Promise<ApiResult<T>> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An empty or non-JSON body (a proxy's error page): the status still says what happened.
  }
  if (response.ok) return { ok: true, status: response.status, data: body as T };
  const kind = KIND_BY_STATUS[response.status] ?? "server";
  return failure(kind, response.status, body, retryAfterSeconds(response.headers.get("Retry-After")));
}

export function createRappitApi(fetchImpl: FetchLike = (input, init) => fetch(input, init)) {
  async function call<T>(path: string, init?: RequestInit): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await fetchImpl(path, init);
    } catch (error) {
      const reason = error instanceof Error && error.message ? ` (${error.message})` : "";
      return { ...failure("network", null, null, null), message: `${DEFAULT_MESSAGE.network}${reason}` };
    }
    return toApiResult<T>(response);
  }
  const post = <T>(path: string, body: unknown) =>
    call<T>(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  return {
    orderSummary: (orderId: string) => call<OrderSummary>(orderPath(orderId)),
    decide: (orderId: string, decision: Decision, reason?: string) =>
      post<DecisionAnswer>(`${orderPath(orderId)}/decision`, reason && reason.trim() ? { decision, reason: reason.trim() } : { decision }),
    rates: (orderId: string) => call<RatesAnswer>(`${orderPath(orderId)}/rates`),
    buyLabel: (orderId: string, shippingAccountId: string, service: string) =>
      post<LabelAnswer>(`${orderPath(orderId)}/label`, { shippingAccountId, service }),
    retryDeadLetter: (id: string) => post<RetryAnswer>(deadLetterRetryPath(id), {}),
  };
}

export type RappitApi = ReturnType<typeof createRappitApi>;
