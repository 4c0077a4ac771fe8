// OAuth 1.0a one-legged query signing, exactly as WooCommerce checks it
// (WC_REST_Authentication::check_oauth_signature). WooCommerce accepts it only over
// plain http, where Basic auth would send the secret in clear: the secret never
// leaves this process, only an HMAC of the request does.
import { createHmac, randomBytes } from "node:crypto";
import type { WooCredentials } from "./settings";

export type OAuth1SignatureMethod = "HMAC-SHA256" | "HMAC-SHA1";

/** PHP's rawurlencode: RFC 3986, everything but A-Z a-z 0-9 - _ . ~ is escaped. */
function rawurlencode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** PHP's strcmp, which WooCommerce sorts the parameter names with: byte order. */
function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function signOAuth1(
  method: string,
  url: URL,
  credentials: WooCredentials,
  opts: { nonce?: string; timestamp?: number; signatureMethod?: OAuth1SignatureMethod } = {},
): URL {
  const signed = new URL(url);
  signed.searchParams.delete("oauth_signature");
  signed.searchParams.set("oauth_consumer_key", credentials.consumerKey);
  // WooCommerce refuses a nonce it saw in the last 15 minutes, so each attempt needs a new one.
  signed.searchParams.set("oauth_nonce", opts.nonce ?? randomBytes(16).toString("hex"));
  signed.searchParams.set("oauth_signature_method", opts.signatureMethod ?? "HMAC-SHA256");
  signed.searchParams.set("oauth_timestamp", String(opts.timestamp ?? Math.floor(Date.now() / 1000)));

  // The store sees the query as PHP's $_GET: decoded, and a repeated name keeps its last value.
  const params = new Map<string, string>();
  for (const [key, value] of signed.searchParams) params.set(key, value);
  const pairs = [...params]
    .sort(([a], [b]) => strcmp(a, b))
    .map(([key, value]) => rawurlencode(`${rawurlencode(key)}=${rawurlencode(value)}`));
  const base = [method.toUpperCase(), rawurlencode(`${signed.origin}${signed.pathname}`), pairs.join("%26")].join("&");

  const algorithm = (opts.signatureMethod ?? "HMAC-SHA256") === "HMAC-SHA1" ? "sha1" : "sha256";
  // One-legged: no token, so the key is the consumer secret and an empty token secret.
  const signature = createHmac(algorithm, `${credentials.consumerSecret}&`).update(base, "utf8").digest("base64");
  signed.searchParams.set("oauth_signature", signature);
  return signed;
}
