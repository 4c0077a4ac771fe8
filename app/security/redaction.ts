// Removes secrets from anything about to leave the process's memory as text:
// log lines, audit before/after snapshots, dead-letter payloads. Two nets:
// field names that hold secrets, and string values shaped like known tokens.

export const REDACTED = "[redacted]";

// Compared against the field name lower-cased with "_" and "-" removed; a name
// ending in one of these holds a secret (accessToken, consumer_secret, x-api-key ...).
const SECRET_NAME_ENDINGS = [
  "token",
  "secret",
  "password",
  "passwd",
  "authorization",
  "cookie",
  "apikey",
  "consumerkey",
  "privatekey",
  "accesskey",
  "credentials",
];

const TOKEN_SHAPES: RegExp[] = [
  /\bshp(?:at|ss|ca|pa|rt)_[A-Za-z0-9]{16,}/g, // Shopify access, shared-secret, custom-app, private-app and refresh tokens
  /\b(?:ck|cs)_[0-9a-f]{40}\b/g, // WooCommerce consumer key and secret
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, // bearer credentials in headers or messages
  /\bBasic\s+[A-Za-z0-9+/=]{8,}/g, // basic auth
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs (session tokens, approval links)
];

export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, "");
  return SECRET_NAME_ENDINGS.some((ending) => normalized.endsWith(ending));
}

export function redactText(text: string): string {
  return TOKEN_SHAPES.reduce((result, shape) => result.replace(shape, REDACTED), text);
}

const MAX_DEPTH = 10;

/** A copy of `value` with every secret replaced by "[redacted]". Never mutates its input. */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
    if (value instanceof Date) return value;
    if (value instanceof Headers) {
      return Object.fromEntries(
        [...value.entries()].map(([name, text]) => [name, isSecretName(name) ? REDACTED : redactText(text)]),
      );
    }
    const source: Record<string, unknown> =
      value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : { ...value };
    return Object.fromEntries(
      Object.entries(source).map(([key, item]) => [
        key,
        isSecretName(key) && item !== null && item !== undefined && item !== "" ? REDACTED : redact(item, depth + 1, seen),
      ]),
    );
  } finally {
    seen.delete(value);
  }
}
