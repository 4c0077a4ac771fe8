// The Shopify API library instance for background work (workers, sweepers): the
// same app credentials as shopify.server.ts, used to refresh offline tokens and
// to build Admin API clients from stored sessions.
import { shopifyApi, type Shopify } from "@shopify/shopify-api";
import { getConfig, scopesOf } from "../config/env.server";
// Also installs the library's fetch adapter (web-api, as the Remix package does).
import { routeShopifyApiTo } from "./api-routing.server";
import { API_VERSION } from "./api-version";
import { shopifyLibraryLogger } from "./library-logger.server";

let api: Shopify | undefined;

export function getBackgroundApi(): Shopify {
  if (!api) {
    const config = getConfig();
    if (config.SHOPIFY_API_ORIGIN) routeShopifyApiTo(config.SHOPIFY_API_ORIGIN);
    const url = new URL(config.SHOPIFY_APP_URL);
    api = shopifyApi({
      apiKey: config.SHOPIFY_API_KEY,
      apiSecretKey: config.SHOPIFY_API_SECRET,
      apiVersion: API_VERSION,
      scopes: scopesOf(config),
      hostName: url.host,
      hostScheme: url.protocol === "http:" ? "http" : "https",
      isEmbeddedApp: true,
      future: { customerAddressDefaultFix: true },
      logger: shopifyLibraryLogger,
    });
  }
  return api;
}
