// Addresses of the local admin, shaped like admin.shopify.com/store/<store>/apps/<handle>/<path>,
// and the iframe address the admin gives the app.
import { ADMIN_PARAMS } from "./protocol";

export const SHOPIFY_ADMIN_ORIGIN = "https://admin.shopify.com";


export function storeOf(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/**
 * The `host` parameter: base64 of the admin's store address. The library accepts only
 * plain base64 of a *.shopify.com host (sanitizeHost), so it names the real admin even
 * though the page that frames the app is the local host.
 */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeOf(shop)}`).toString("base64").replace(/=+$/, "");
}

export function adminBasePath(shop: string, handle: string): string {
  return `/store/${storeOf(shop)}/apps/${handle}`;
}

/** Splits /store/<store>/apps/<handle>/<app path> into its parts; null for other paths. */
export function parseAdminPath(pathname: string): { store: string; handle: string; appPath: string } | null {
  const match = /^\/store\/([a-zA-Z0-9][a-zA-Z0-9-]*)\/apps\/([a-z0-9][a-z0-9-]*)(\/.*)?$/.exec(pathname);
  if (!match) return null;
  return { store: match[1], handle: match[2], appPath: match[3] ?? "/" };
}

/** The iframe's address: the app's path with the parameters the admin adds when it loads an embedded app. */
export function appFrameUrl(options: { appUrl: string; shop: string; appPathAndQuery: string; idToken: string }): string {
  const url = new URL(options.appPathAndQuery, options.appUrl);
  for (const name of ADMIN_PARAMS) url.searchParams.delete(name);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("host", hostParam(options.shop));
  url.searchParams.set("id_token", options.idToken);
  url.searchParams.set("locale", "en");
  url.searchParams.set("shop", options.shop);
  return url.toString();
}
