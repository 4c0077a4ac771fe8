// WC_REST_Authentication, step for step. Over TLS: Basic credentials (query
// consumer_key/consumer_secret first, then the Authorization header). Then,
// and always over plain HTTP: OAuth 1.0a one-legged, signed with
// consumer_secret + "&" over the store's home URL. Quirks kept on purpose:
// an unknown key in Basic auth is not an error (the request just runs
// unauthenticated and the route refuses it), and used nonces are kept by
// timestamp, so a second request in the same second forgets the first nonce.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { mysqlDate, parsePhpQuery, phpEmpty, rawurldecode, rawurlencode, strcmp, urldecode, type PhpArray } from "./php";
import { restError, type RestReply } from "./rest";
import type { ApiKey, WooState } from "./state";

export type SignatureMethod = "HMAC-SHA1" | "HMAC-SHA256";

/** The third part of the base string: pairs sorted by key (strcmp), each "k=v" encoded twice, joined with %26. */
export function oauthParameterString(params: PhpArray): string {
  const pairs: string[] = [];
  const join = (key: string, value: string | PhpArray) => {
    if (typeof value === "string") pairs.push(rawurlencode(`${key}=${rawurlencode(value)}`));
    // Nested keys keep their order and are not encoded before the final pass (join_with_equals_sign).
    else for (const [sub, child] of value) join(`${key}%5B${sub}%5D`, child);
  };
  for (const key of [...params.keys()].sort(strcmp)) join(rawurlencode(key), params.get(key)!);
  return pairs.join("%26");
}

/** METHOD & rawurlencode(url without query) & parameter string; oauth_signature must not be in `params`. */
export function oauthBaseString(method: string, url: string, params: PhpArray): string {
  return `${method.toUpperCase()}&${rawurlencode(url)}&${oauthParameterString(params)}`;
}

export function oauthSignature(baseString: string, consumerSecret: string, method: SignatureMethod): string {
  const algorithm = method === "HMAC-SHA1" ? "sha1" : "sha256";
  return createHmac(algorithm, `${consumerSecret}&`).update(baseString, "utf8").digest("base64");
}

/** Signs a URL as a WooCommerce client does over plain HTTP (OAuth parameters in the query string). */
export function signOAuth1Url(options: {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  signatureMethod?: SignatureMethod;
  timestamp?: number;
  nonce?: string;
}): string {
  const url = new URL(options.url);
  const oauth: Array<[string, string]> = [
    ["oauth_consumer_key", options.consumerKey],
    ["oauth_nonce", options.nonce ?? randomBytes(16).toString("hex")],
    ["oauth_signature_method", options.signatureMethod ?? "HMAC-SHA256"],
    ["oauth_timestamp", String(options.timestamp ?? Math.floor(Date.now() / 1000))],
  ];
  const query = url.search.slice(1);
  const params = parsePhpQuery(query);
  for (const [key, value] of oauth) params.set(key, value);
  const signature = oauthSignature(oauthBaseString(options.method, `${url.origin}${url.pathname}`, params), options.consumerSecret, oauth[2][1] as SignatureMethod);
  const extra = [...oauth, ["oauth_signature", signature]].map(([key, value]) => `${key}=${rawurlencode(value)}`).join("&");
  return `${url.origin}${url.pathname}?${query ? `${query}&` : ""}${extra}`;
}

export interface AuthError {
  code: string;
  message: string;
  /** Raised by the Basic path (the answer carries WWW-Authenticate). */
  basic: boolean;
}

export interface AuthRequest {
  /** The method on the wire ($_SERVER['REQUEST_METHOD']). */
  method: string;
  /** The raw request target (path and query). */
  url: string;
  headers: IncomingHttpHeaders;
  /** A form-encoded body ($_POST), when there is one. */
  formBody: string | null;
  tls: boolean;
}

/** Who the request is: a key, an authentication error, or nobody. */
export type AuthResult = { key: ApiKey; error: null } | { key: null; error: AuthError | null };

const failure = (code: string, message: string, basic = false): AuthResult => ({ key: null, error: { code, message, basic } });

function equal(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, "utf8"), Buffer.from(b, "utf8")];
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(query: PhpArray, header: string | undefined): [string, string] | null {
  const [key, secret] = [query.get("consumer_key"), query.get("consumer_secret")];
  if (typeof key === "string" && typeof secret === "string" && !phpEmpty(key) && !phpEmpty(secret)) return [key, secret];
  const match = header ? /^Basic\s+(\S+)/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return phpEmpty(user) || phpEmpty(password) ? null : [user, password];
}

/** parse_header(): oauth_* pairs from "Authorization: OAuth ...", urldecoded. */
function oauthHeaderParams(header: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  const value = header?.trim() ?? "";
  if (!value.startsWith("OAuth ")) return params;
  for (const match of value.matchAll(/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g)) {
    params.set(match[1], urldecode(match[3] ? match[3] : (match[4] ?? "")));
  }
  return params;
}

export function authenticate(state: WooState, request: AuthRequest): AuthResult {
  const queryString = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
  const path = request.url.split("?")[0];
  const query = parsePhpQuery(queryString);
  const authorization = request.headers.authorization;
  let error: AuthError | null = null;

  if (request.tls) {
    const credentials = basicCredentials(query, authorization);
    const key = credentials ? state.findKey(credentials[0]) : undefined;
    if (credentials && key) {
      if (!equal(key.consumerSecret, credentials[1])) error = { code: "woocommerce_rest_authentication_error", message: "Consumer secret is invalid.", basic: true };
      else return used(state, key);
    }
  }

  // OAuth parameters from $_GET, $_POST and the Authorization header (the header wins).
  const params: PhpArray = new Map([...query, ...(request.formBody ? parsePhpQuery(request.formBody) : new Map())]);
  for (const [name, value] of oauthHeaderParams(authorization)) params.set(name, value);
  const required = ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"];
  const text = (name: string): string | undefined => {
    const value = params.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const missing = required.filter((name) => phpEmpty(text(name)));
  if (missing.length === required.length) return { key: null, error };
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "parameter" : "parameters";
    return failure("woocommerce_rest_authentication_missing_parameter", `Missing OAuth ${noun} ${missing.join(", ")}`);
  }
  const key = state.findKey(text("oauth_consumer_key")!);
  if (!key) return failure("woocommerce_rest_authentication_error", "Consumer key is invalid.");

  const provided = rawurldecode(text("oauth_signature")!.replace(/ /g, "+"));
  params.delete("oauth_signature");
  const method = text("oauth_signature_method");
  if (method !== "HMAC-SHA1" && method !== "HMAC-SHA256") return failure("woocommerce_rest_authentication_error", "Invalid signature - signature method is invalid.");
  const scheme = request.tls ? "https" : "http";
  const home = new URL(state.homeUrl);
  const base = oauthBaseString(request.method, `${scheme}://${home.host}${path}`, params);
  if (!equal(oauthSignature(base, key.consumerSecret, method), provided)) {
    return failure("woocommerce_rest_authentication_error", "Invalid signature - provided signature does not match.");
  }

  const window = 15 * 60;
  const now = Math.floor(state.now() / 1000);
  const timestamp = Number(text("oauth_timestamp"));
  if (!Number.isFinite(timestamp) || timestamp < now - window || timestamp > now + window) {
    return failure("woocommerce_rest_authentication_error", "Invalid timestamp.");
  }
  const nonce = text("oauth_nonce")!;
  if ([...key.nonces.values()].includes(nonce)) return failure("woocommerce_rest_authentication_error", "Invalid nonce - nonce has already been used.");
  key.nonces.set(String(text("oauth_timestamp")), nonce);
  for (const stamp of [...key.nonces.keys()]) if (Number(stamp) < now - window) key.nonces.delete(stamp);
  return used(state, key);
}

function used(state: WooState, key: ApiKey): AuthResult {
  key.lastAccess = mysqlDate(state.now());
  return { key, error: null };
}

/** check_permissions(): the key's read/write scope against the request method. */
export function keyPermissionError(key: ApiKey, method: string): RestReply | null {
  const can = (scope: "read" | "write") => key.permissions === scope || key.permissions === "read_write";
  if ((method === "GET" || method === "HEAD") && !can("read")) {
    return restError(401, "woocommerce_rest_authentication_error", "The API key provided does not have read permissions.");
  }
  if (["POST", "PUT", "PATCH", "DELETE"].includes(method) && !can("write")) {
    return restError(401, "woocommerce_rest_authentication_error", "The API key provided does not have write permissions.");
  }
  if (!["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].includes(method)) {
    return restError(401, "woocommerce_rest_authentication_error", "Unknown request method.");
  }
  return null;
}

/** The header WooCommerce adds when Basic authentication failed. */
export const BASIC_REALM = 'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."';
