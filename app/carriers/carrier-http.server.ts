// One JSON request to a carrier API, with the answer sorted into what the policies
// understand: 401 → CarrierAuthError (refresh once), 429 → RateLimitedError (try
// later), 5xx/timeout/network → CarrierTransientError (breaker, retries where safe),
// other 4xx → CarrierRequestError with the carrier's own message.
import { CarrierAuthError } from "./core/authorized-call.server";
import { CarrierTransientError, RateLimitedError } from "./core/policies.server";
import { CarrierRequestError } from "./connector";

export interface CarrierResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

const DEFAULT_RETRY_AFTER_MS = 10_000; // FedEx documents no Retry-After: wait for the next 10 s window

function retryAfterMs(header: string | null): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - Date.now());
}

/** The carrier's own words from any of the error shapes they use. */
export function carrierMessage(body: unknown, fallback: string): { message: string; code: string | null } {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const errors = record.errors;
    if (Array.isArray(errors) && errors[0] && typeof errors[0] === "object") {
      const first = errors[0] as Record<string, unknown>;
      return { message: String(first.message ?? fallback), code: typeof first.code === "string" ? first.code : null };
    }
    const params = record.invalidParams;
    if (Array.isArray(params) && params[0] && typeof params[0] === "object") {
      const first = params[0] as Record<string, unknown>;
      return { message: `${String(record.title ?? "Invalid request")}: ${String(first.name ?? "")} ${String(first.reason ?? "")}`.trim(), code: null };
    }
    if (typeof record.detail === "string") return { message: record.detail, code: typeof record.type === "string" ? record.type : null };
    if (typeof record.title === "string") return { message: record.title, code: null };
    if (typeof record.error_description === "string") return { message: record.error_description, code: typeof record.error === "string" ? record.error : null };
  }
  return { message: fallback, code: null };
}

export async function carrierRequest(
  url: string,
  init: { method: "GET" | "POST" | "PUT"; authorization: string; body?: unknown; headers?: Record<string, string>; signal: AbortSignal },
): Promise<CarrierResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        Authorization: init.authorization,
        Accept: "application/json",
        ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CarrierTransientError(`could not reach ${new URL(url).host}: ${reason}`, null);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (response.ok) return { status: response.status, body, headers: response.headers };
  const { message, code } = carrierMessage(body, `${response.status} ${response.statusText}`);
  if (response.status === 401) throw new CarrierAuthError(message);
  if (response.status === 429) throw new RateLimitedError(message, retryAfterMs(response.headers.get("retry-after")));
  if (response.status >= 500) throw new CarrierTransientError(message, response.status);
  throw new CarrierRequestError(message, response.status, code);
}
