// The one shopifyApp() of Rappit. Routes use only the names exported here.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { getConfig, scopesOf } from "./config/env.server";
import { getPrisma, pgPoolOf } from "./db/prisma.server";
import { PgSessionStorage } from "./shopify/pg-session-storage.server";
import { loggerFor } from "./logging/logger.server";
import { recordOAuthCallback } from "./metrics/record.server";
import { getCipher } from "./security/cipher.server";
import { routeShopifyApiTo } from "./shopify/api-routing.server";
import { API_VERSION } from "./shopify/api-version";
import { shopifyLibraryLogger } from "./shopify/library-logger.server";
import { EncryptedSessionStorage } from "./security/encrypted-session-storage.server";
import { LibrarySessionView } from "./shopify/library-session-view.server";
import { onTokenExchanged } from "./shops/shop-lifecycle.server";

const config = getConfig();
if (config.SHOPIFY_API_ORIGIN) routeShopifyApiTo(config.SHOPIFY_API_ORIGIN);

export const apiVersion = API_VERSION;

/** Every stored session, refresh tokens included: for background work (offline-token.server). */
export const offlineSessionStore = new EncryptedSessionStorage(
  new PgSessionStorage(pgPoolOf(getPrisma())),
  getCipher(),
  loggerFor("session-storage"),
);

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: scopesOf(config),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Tokens are encrypted before the database sees them (design invariant 2), and the library
  // never sees refresh tokens, so only our locked refresh can spend them.
  sessionStorage: new LibrarySessionView(offlineSessionStore),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  logger: shopifyLibraryLogger,
  hooks: {
    afterAuth: async ({ session, admin }) => {
      try {
        await onTokenExchanged(session, admin);
        recordOAuthCallback("shopify", "success");
      } catch (error) {
        recordOAuthCallback("shopify", "error");
        throw error;
      }
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
