// The store is PHP: the bytes it sends and the strings it signs are PHP's, not
// JavaScript's. These are the few PHP/WordPress encoders whose differences an
// app can trip over (slash escaping in JSON, "+" in URLs, nested query keys).

/** rawurlencode(): RFC 3986, everything but A-Z a-z 0-9 - _ . ~ is escaped. */
export function rawurlencode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** urlencode(): form encoding; a space is "+" and "~" is escaped. */
export function urlencode(value: string): string {
  return rawurlencode(value).replace(/%20/g, "+").replace(/~/g, "%7E");
}

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** rawurldecode(): %XX only; a malformed escape stays as it is. */
export function rawurldecode(value: string): string {
  const input = Buffer.from(value, "utf8");
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x25 && i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
      out.push(parseInt(String.fromCharCode(input[i + 1], input[i + 2]), 16));
      i += 2;
    } else {
      out.push(input[i]);
    }
  }
  return Buffer.from(out).toString("utf8");
}

/** urldecode(): "+" is a space, then %XX. */
export function urldecode(value: string): string {
  return rawurldecode(value.replace(/\+/g, " "));
}

/**
 * wp_json_encode() with PHP's default flags: "/" becomes "\/" and non-ASCII
 * becomes \uXXXX. A receiver that re-serializes the JSON before checking a
 * signature gets different bytes, as it would from a real store.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** PHP's empty() for request values: missing, "" and "0" are all empty. */
export function phpEmpty(value: string | undefined | null): boolean {
  return value === undefined || value === null || value === "" || value === "0";
}

export function escHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#039;");
}

/** wc_clean()/sanitize_text_field(), roughly: no tags, no line breaks, trimmed. */
export function wcClean(value: string): string {
  return value.replace(/<[^>]*>/g, "").replace(/[\r\n\t ]+/g, " ").trim();
}

/**
 * esc_url(): spaces become %20 and characters outside WordPress's allowed set
 * are dropped. In "display" context (HTML attributes) "&" becomes "&#038;".
 */
export function escUrl(url: string, context: "display" | "db" = "display"): string {
  let out = url.trimStart().replace(/ /g, "%20");
  out = out.replace(/[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()[\]\u0080-\uffff]/gi, "");
  if (context === "display") out = out.replace(/&amp;/g, "&").replace(/&/g, "&#038;").replace(/'/g, "&#039;");
  return out;
}

/** esc_url_raw(): esc_url() for redirects and requests, without HTML entities. */
export function escUrlRaw(url: string): string {
  return escUrl(url, "db");
}

/**
 * add_query_arg(): existing parameters are decoded and re-encoded with
 * urlencode(), new ones are appended as given (WordPress does not encode
 * them), a key already present is replaced in place.
 */
export function addQueryArg(url: string, args: Array<[string, string]>): string {
  const hashAt = url.indexOf("#");
  const fragment = hashAt >= 0 ? url.slice(hashAt) : "";
  let base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const queryAt = base.indexOf("?");
  const query = queryAt >= 0 ? base.slice(queryAt + 1) : "";
  base = queryAt >= 0 ? base.slice(0, queryAt) : base;
  const pairs = new Map<string, string>();
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = urldecode(eq >= 0 ? part.slice(0, eq) : part);
    pairs.set(key, urlencode(eq >= 0 ? urldecode(part.slice(eq + 1)) : ""));
  }
  for (const [key, value] of args) pairs.set(key, value);
  const built = [...pairs].map(([key, value]) => `${key}=${value}`).join("&");
  return `${base}${built ? `?${built}` : ""}${fragment}`;
}

/** A PHP array from a query string: ordered, string keys, nested for "a[b]" and "a[]". */
export type PhpArray = Map<string, string | PhpArray>;

/**
 * $_GET as PHP builds it: a repeated key keeps the last value, "a[b]=1" and
 * "a[]=1" nest (auto-indexed from 0). OAuth signatures are computed over this
 * structure, so a client signing "status[]" flat does not match.
 */
export function parsePhpQuery(query: string): PhpArray {
  const result: PhpArray = new Map();
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const rawKey = urldecode(eq >= 0 ? part.slice(0, eq) : part);
    const value = eq >= 0 ? urldecode(part.slice(eq + 1)) : "";
    const nested = /^([^[\]]+)((?:\[[^\]]*\])+)$/.exec(rawKey);
    if (!nested) {
      result.set(rawKey.replace(/[. ]/g, "_"), value);
      continue;
    }
    const path = [nested[1].replace(/[. ]/g, "_"), ...[...nested[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
    let node = result;
    for (let i = 0; i < path.length; i++) {
      let segment = path[i];
      if (segment === "" && i > 0) segment = String(nextIndex(node));
      if (i === path.length - 1) {
        node.set(segment, value);
      } else {
        const child = node.get(segment);
        const next: PhpArray = child instanceof Map ? child : new Map();
        node.set(segment, next);
        node = next;
      }
    }
  }
  return result;
}

function nextIndex(node: PhpArray): number {
  let max = -1;
  for (const key of node.keys()) if (/^(0|[1-9][0-9]*)$/.test(key)) max = Math.max(max, Number(key));
  return max + 1;
}

/** strcmp() order: bytewise. */
export function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** FILTER_VALIDATE_URL, approximately: a scheme, "//", a host, no spaces or non-ASCII. */
export function isValidUrl(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+/i.test(value) || /[^\x21-\x7e]/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** The store's date format in REST JSON: "2026-11-20T10:00:00", no zone (the store runs on UTC). */
export function wooDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** current_time('mysql'): "2026-11-20 10:00:00". */
export function mysqlDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}
