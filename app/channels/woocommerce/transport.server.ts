// HTTP to one WooCommerce store: authentication, a timeout per attempt, retries
// where repeating a request is safe, and errors a merchant can act on. Neither the
// consumer secret nor an OAuth signature ever reaches an error message.
import { DelegateBackoff, TimeoutStrategy, handleWhen, retry, timeout, wrap, type IRetryBackoffContext } from "cockatiel";
import type { Dispatcher } from "undici";
import { signOAuth1 } from "./oauth1";
import { WOO_API_PREFIX, type WooCredentials, type WooStore } from "./settings";

export type WooMethod = "GET" | "POST" | "PUT" | "DELETE";

/** The longest we wait between attempts, whatever a store's Retry-After asks for. */
export const MAX_RETRY_DELAY_MS = 30_000;
const USER_AGENT = "Rappit (WooCommerce REST client)";

export class WooApiError extends Error {
  readonly status: number;
  /** WooCommerce error code from the JSON body (`woocommerce_rest_…`), null when the answer had none. */
  readonly code: string | null;

  constructor(message: string, status: number, code: string | null) {
    super(message);
    this.name = "WooApiError";
    this.status = status;
    this.code = code;
  }
}

/** 401: keys revoked or wrong → the caller marks the channel Needs re-auth. */
export class WooAuthError extends WooApiError {
  constructor(message: string, status: number, code: string | null) {
    super(message, status, code);
    this.name = "WooAuthError";
  }
}

/** DNS, connection or timeout failure, after the retries. */
export class WooUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WooUnreachableError";
  }
}

export interface WooTransportOptions {
  /** per attempt, default 15000 */
  timeoutMs?: number;
  /** default 3 */
  attempts?: number;
  /** default 500 */
  baseDelayMs?: number;
  /** default false: plain-http stores (the development emulator) only when set */
  allowInsecure?: boolean;
  /** undici dispatcher for the requests, e.g. one that refuses private addresses (SSRF guard) */
  dispatcher?: Dispatcher;
}

export interface WooRequestInit {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** POST is repeated after a possible arrival only when the caller says repeating is harmless (setting absolute stock). */
  idempotent?: boolean;
}

export interface WooResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export interface WooTransport {
  /** The store's normalized URL, as given. */
  readonly storeUrl: string;
  request<T>(method: WooMethod, path: string, init?: WooRequestInit): Promise<WooResponse<T>>;
}

/** The Authorization header WooCommerce reads over https (PHP_AUTH_USER / PHP_AUTH_PW). */
export function basicAuthorization(credentials: WooCredentials): string {
  return `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`, "utf8").toString("base64")}`;
}

/** An attempt that failed in a way worth repeating; `final` is what the caller gets when no attempt succeeds. */
class RetryableFailure extends Error {
  constructor(
    readonly final: Error,
    readonly retryAfterMs: number | null = null,
  ) {
    super(final.message);
  }
}

/** Retry-After in seconds or as an HTTP date, capped. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const value = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);
}

// Failures before any byte left for the store: repeating them is safe for every method.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const TLS_FAILURE = /CERT|SSL|TLS|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED/;

/** Codes and names along an error's cause chain (fetch wraps the socket error; happy eyeballs aggregates). */
function failureCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== "object" || depth > 5) return [];
  const found: string[] = [];
  const { code, name, cause, errors } = error as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") found.push(code);
  if (typeof name === "string") found.push(name);
  found.push(...failureCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const inner of errors) found.push(...failureCodes(inner, depth + 1));
  return found;
}

function tidy(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 300 ? `${plain.slice(0, 297)}...` : plain;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    // Some WordPress setups prepend a byte-order mark to every answer.
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch {
    return { ok: false };
  }
}

/** WooCommerce/WordPress errors are `{code, message, data: {status}}`; `code` is sometimes a number. */
function wooErrorOf(body: { ok: true; value: unknown } | { ok: false }): { code: string | null; message: string | null } {
  if (!body.ok || !body.value || typeof body.value !== "object") return { code: null, message: null };
  const { code, message } = body.value as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" || typeof code === "number" ? String(code) : null,
    message: typeof message === "string" && message.trim() ? message : null,
  };
}

export function createWooTransport(store: WooStore, options: WooTransportOptions = {}): WooTransport {
  const base = new URL(store.url);
  const storeUrl = store.url.replace(/\/+$/, "");
  const insecure = base.protocol === "http:";
  if (base.protocol !== "https:" && !insecure) throw new Error("store URL must be https");
  if (insecure && !options.allowInsecure) throw new Error("store URL must be https");

  const host = base.host;
  const { credentials } = store;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const authorization = insecure ? null : basicAuthorization(credentials);

  /** Whatever the store echoes back, the secret and any signature are cut out of what we show. */
  const scrub = (text: string) =>
    tidy(text)
      .split(credentials.consumerSecret)
      .join("[secret]")
      .replace(/(oauth_signature|consumer_secret)=[^&\s]*/gi, "$1=[redacted]");

  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const failure = "error" in context.result ? context.result.error : null;
    if (failure instanceof RetryableFailure && failure.retryAfterMs !== null) return failure.retryAfterMs;
    // Exponential with jitter, so stores that failed together are not retried together.
    const exponential = baseDelayMs * 2 ** (context.attempt - 1);
    return Math.min(MAX_RETRY_DELAY_MS, Math.round(exponential * (0.5 + Math.random() / 2)));
  });
  const policy = wrap(
    retry(
      handleWhen((error) => error instanceof RetryableFailure),
      { maxAttempts: attempts - 1, backoff },
    ),
    timeout(timeoutMs, TimeoutStrategy.Cooperative),
  );

  function urlFor(method: WooMethod, path: string, query: WooRequestInit["query"]): URL {
    const url = new URL(`${storeUrl}${WOO_API_PREFIX}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    // Signed per attempt: WooCommerce refuses a reused nonce and a timestamp older than 15 minutes.
    return insecure ? signOAuth1(method, url, credentials) : url;
  }

  function networkFailure(error: unknown, timedOut: boolean, where: string, mayRepeat: boolean): Error {
    const codes = failureCodes(error);
    if (codes.includes("UnsafeAddressError")) {
      return new WooUnreachableError(`${host} points to a private or local network address: Rappit only connects to stores on the public internet.`);
    }
    const tls = codes.find((code) => TLS_FAILURE.test(code));
    if (tls) {
      return new WooUnreachableError(`The HTTPS certificate of ${host} could not be verified (${tls}). Fix the store's certificate, then try again.`);
    }
    if (timedOut) {
      const maybeApplied = mayRepeat ? "" : " The change may still have been applied: check the order in WooCommerce.";
      const failure = new WooUnreachableError(`${host} did not answer ${where} within ${Math.round(timeoutMs / 100) / 10} s.${maybeApplied}`);
      return mayRepeat ? new RetryableFailure(failure) : failure;
    }
    const notSent = codes.find((code) => NOT_SENT.has(code));
    if (notSent) {
      const reason =
        notSent === "ENOTFOUND" || notSent === "EAI_AGAIN"
          ? "the address could not be found (check the store's address)"
          : notSent === "ECONNREFUSED"
            ? "the connection was refused"
            : "no connection could be made";
      return new RetryableFailure(new WooUnreachableError(`Could not reach ${host}: ${reason} (${where}).`));
    }
    const code = codes.find((c) => c !== "TypeError" && c !== "Error") ?? "connection failed";
    const failure = new WooUnreachableError(`The connection to ${host} broke during ${where} (${code}).`);
    return mayRepeat ? new RetryableFailure(failure) : failure;
  }

  function httpFailure(response: Response, text: string, where: string, mayRepeat: boolean): Error {
    const { status } = response;
    const body = parseJson(text);
    const { code, message } = wooErrorOf(body);
    if (status === 401) {
      const why = message
        ? scrub(message).replace(/[.\s]+$/, "")
        : "the answer was a web page, so the site may be password-protected or a security plugin blocks the API";
      return new WooAuthError(`${host} refused Rappit's API keys (${where}): ${why}. Reconnect the store to issue new keys.`, status, code);
    }
    let detail: string;
    if (message) detail = scrub(message);
    else if (status === 404) {
      detail = "the WooCommerce API was not found: check that WooCommerce is active and that WordPress permalinks are not set to \"Plain\"";
    } else if (status === 403) detail = "access was denied, often by a firewall or security plugin blocking the API";
    else detail = response.statusText || "no details";
    const error = new WooApiError(`${host} answered ${status} to ${where}: ${detail}${code ? ` [${scrub(code)}]` : ""}`, status, code);
    // A rate limiter turns a request away before WooCommerce acts on it, so even a POST is repeated.
    if (status === 429) return new RetryableFailure(error, retryAfterMs(response.headers.get("retry-after")));
    if (status >= 500 && mayRepeat) return new RetryableFailure(error);
    return error;
  }

  async function attempt<T>(method: WooMethod, path: string, init: WooRequestInit, signal: AbortSignal): Promise<WooResponse<T>> {
    const where = `${method} ${path}`;
    const mayRepeat = method !== "POST" || init.idempotent === true;
    const headers = new Headers({ Accept: "application/json", "User-Agent": USER_AGENT });
    if (authorization) headers.set("Authorization", authorization);
    let body: string | undefined;
    if (init.body !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(init.body);
    }

    let response: Response;
    let text: string;
    try {
      // Redirects are not followed: a signed URL or an Authorization header must not be replayed elsewhere.
      response = await fetch(urlFor(method, path, init.query), {
        method,
        headers,
        body,
        signal,
        redirect: "manual",
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      } as RequestInit);
    } catch (error) {
      throw networkFailure(error, signal.aborted, where, mayRepeat);
    }
    try {
      text = await response.text();
    } catch (error) {
      // The request arrived: only a repeatable one is sent again.
      const failure = networkFailure(error, signal.aborted, where, mayRepeat);
      throw failure instanceof RetryableFailure && !mayRepeat ? failure.final : failure;
    }

    if (response.status >= 300 && response.status < 400) {
      // Only the origin is named: a Location can carry our own signed query back.
      const location = response.headers.get("location");
      const target = location && URL.canParse(location, base) ? ` to ${new URL(location, base).origin}` : "";
      throw new WooApiError(
        `${host} redirected ${where}${target}. Reconnect the store using the address it redirects to.`,
        response.status,
        null,
      );
    }
    if (response.status < 200 || response.status >= 300) throw httpFailure(response, text, where, mayRepeat);
    if (!text.trim()) return { status: response.status, data: null as T, headers: response.headers };
    const parsed = parseJson(text);
    if (!parsed.ok) {
      throw new WooApiError(
        `${host} answered ${where} with a web page instead of WooCommerce data. Check that WordPress permalinks are not set to "Plain" and that no security plugin or firewall blocks /wp-json/.`,
        response.status,
        null,
      );
    }
    return { status: response.status, data: parsed.value as T, headers: response.headers };
  }

  return {
    storeUrl,
    async request<T>(method: WooMethod, path: string, init: WooRequestInit = {}): Promise<WooResponse<T>> {
      if (!path.startsWith("/") || /[?#]/.test(path)) throw new Error(`request path must start with "/" and carry no query: ${path}`);
      try {
        return await policy.execute(({ signal }) => attempt<T>(method, path, init, signal));
      } catch (error) {
        throw error instanceof RetryableFailure ? error.final : error;
      }
    },
  };
}
