// A token endpoint's refusal in the carrier's own words. The accounts page shows
// `carrierMessage`; `credentialsRejected` tells the caller that only new
// credentials will help. Nothing here ever holds a secret or a token.
import { redactText } from "../../security/redaction";

/** OAuth error codes that mean "these credentials are wrong", not "try again". */
const REJECTING_OAUTH_ERRORS = new Set(["invalid_client", "invalid_grant", "unauthorized_client"]);

export interface TokenFailure {
  provider: string;
  status: number | null;
  code: string | null;
  carrierMessage: string;
  credentialsRejected: boolean;
  retryable: boolean;
}

export class TokenRequestError extends Error {
  readonly provider: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly carrierMessage: string;
  /** The carrier refused the credentials (401, or 400 invalid_client/invalid_grant): re-auth needed. */
  readonly credentialsRejected: boolean;
  readonly retryable: boolean;

  constructor(failure: TokenFailure) {
    const status = failure.status === null ? "" : ` (HTTP ${failure.status})`;
    super(`${failure.provider} token request failed${status}: ${failure.carrierMessage}`);
    this.name = "TokenRequestError";
    this.provider = failure.provider;
    this.status = failure.status;
    this.code = failure.code;
    this.carrierMessage = failure.carrierMessage;
    this.credentialsRejected = failure.credentialsRejected;
    this.retryable = failure.retryable;
  }

  toFailure(): TokenFailure {
    const { provider, status, code, carrierMessage, credentialsRejected, retryable } = this;
    return { provider, status, code, carrierMessage, credentialsRejected, retryable };
  }
}

/** The carrier's own message and code from the error shapes FedEx, OAuth servers and DHL use. */
export function parseCarrierError(body: unknown): { message: string | null; code: string | null } {
  if (!body || typeof body !== "object") return { message: null, code: null };
  const record = body as Record<string, unknown>;
  // FedEx: {"errors":[{"code","message"}]}
  if (Array.isArray(record.errors) && record.errors[0] && typeof record.errors[0] === "object") {
    const first = record.errors[0] as Record<string, unknown>;
    return { message: text(first.message), code: text(first.code) };
  }
  // OAuth 2: {"error","error_description"}
  if (typeof record.error === "string") {
    return { message: text(record.error_description) ?? record.error, code: record.error };
  }
  // Problem JSON (DHL): {"title","detail","status"}, sometimes nested under "status".
  const problem = record.status && typeof record.status === "object" ? (record.status as Record<string, unknown>) : record;
  const message = text(problem.detail) ?? text(problem.title);
  return { message, code: message ? text(problem.type) : null };
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** Classifies a non-2xx token answer. `secrets` are scrubbed from whatever the carrier echoed. */
export function tokenFailureFromResponse(provider: string, status: number, rawBody: string, secrets: string[]): TokenRequestError {
  let body: unknown = null;
  try {
    body = rawBody ? JSON.parse(rawBody) : null;
  } catch {
    body = null; // an HTML error page from a proxy: fall back to the status line
  }
  const { message, code } = parseCarrierError(body);
  const credentialsRejected = status === 401 || (status === 400 && code !== null && REJECTING_OAUTH_ERRORS.has(code));
  return new TokenRequestError({
    provider,
    status,
    code,
    carrierMessage: scrub(message ?? `HTTP ${status}`, secrets),
    credentialsRejected,
    retryable: !credentialsRejected && (status === 408 || status === 429 || status >= 500),
  });
}

/** Removes the given secret values and token-shaped strings from text that leaves the process. */
export function scrub(message: string, secrets: string[]): string {
  let result = message;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join("[redacted]");
  }
  return redactText(result).slice(0, 500);
}
