// Development and test only: sends every call the Shopify library makes to
// https://<shop>.myshopify.com/admin/... to a local Shopify emulator instead,
// as <origin>/store/<shop>/admin/.... The library builds those URLs itself and
// sends them through one fetch function it exposes; this wraps that function,
// so no feature code knows where Shopify is. Production refuses to start with it.
// The adapter that sets the library's fetch must run before we wrap it; importing it
// here guarantees that order. (The Remix package uses this same adapter.)
import "@shopify/shopify-api/adapters/web-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

const globalForRouting = globalThis as unknown as { __rappitShopifyOrigin?: string };

export function rewriteShopifyUrl(url: URL, origin: string): URL | null {
  if (url.protocol !== "https:" || !url.hostname.endsWith(".myshopify.com")) return null;
  return new URL(`/store/${url.hostname}${url.pathname}${url.search}`, origin);
}

export function routeShopifyApiTo(origin: string): void {
  // Vite's dev server re-evaluates modules; wrap the library's fetch only once.
  if (globalForRouting.__rappitShopifyOrigin) return;
  globalForRouting.__rappitShopifyOrigin = origin;
  const original = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const target = rewriteShopifyUrl(new URL(href), origin);
    return original(target ? target.toString() : input, init);
  });
}
