// What a WooCommerce connection is made of: the store's address and its REST keys.
// No I/O: the address rules here run before anything talks to the store.
import { z } from "zod";

export interface WooCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface WooStore {
  /** normalized store URL: scheme://host[:port][/path], no trailing slash */
  url: string;
  credentials: WooCredentials;
}

export const WOO_API_PREFIX = "/wp-json/wc/v3";
/** WooCommerce refuses a larger `per_page` (collection params: maximum 100). */
export const WOO_MAX_PER_PAGE = 100;
/** create + update + delete items per batch request (`woocommerce_rest_batch_items_limit`). */
export const WOO_BATCH_LIMIT = 100;

/** wc-auth issues `ck_`/`cs_` followed by 40 hex characters (bin2hex of 20 random bytes). */
export const credentialsSchema = z.object({
  consumerKey: z.string().regex(/^ck_[0-9a-f]{40}$/, "not a WooCommerce consumer key"),
  consumerSecret: z.string().regex(/^cs_[0-9a-f]{40}$/, "not a WooCommerce consumer secret"),
});

const EXAMPLE = "Enter the store's address, like https://shop.example.com";

export function normalizeStoreUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, message: EXAMPLE };
  // Merchants usually type the bare domain; WooCommerce's own wc-auth adds https:// the same way.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `That is not a web address. ${EXAMPLE}.` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: `The store's address must start with https://. ${EXAMPLE}.` };
  }
  if (!url.hostname) return { ok: false, message: EXAMPLE };
  if (url.username || url.password) {
    return { ok: false, message: `Remove the user name and password from the address: Rappit connects with WooCommerce API keys. ${EXAMPLE}.` };
  }
  if (url.search || url.hash || withScheme.includes("?") || withScheme.includes("#")) {
    return { ok: false, message: `Remove everything from "?" or "#" on from the address. ${EXAMPLE}.` };
  }

  // A pasted admin or API address still names the WordPress install it lives under.
  let path = url.pathname.replace(/\/+$/, "");
  path = path.replace(/\/wp-(?:admin|json)(?:\/.*)?$/i, "").replace(/\/+$/, "");
  // URL already lowercases the host and drops a default port.
  return { ok: true, url: `${url.protocol}//${url.host}${path}` };
}
