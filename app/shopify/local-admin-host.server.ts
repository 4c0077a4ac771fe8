// Development, tests and the demo: the local admin host (server/admin-host) plays the
// Shopify admin. APP_BRIDGE_URL names its App Bridge stand-in; the Shopify library's node
// adapter reads the same variable for the pages it renders itself (bounce, exit-iframe),
// and the layout passes it to AppProvider. Configuration refuses it in production.
import type { AppConfig } from "~/config/env.server";

/**
 * Lets the local admin host frame the app's embedded pages. Only pages the library already
 * opened to the admin (frame-ancestors https://<shop> https://admin.shopify.com ...) are
 * widened; pages framed by no one ('none') stay that way.
 */
export function allowLocalAdminHostFraming(headers: Headers, config: Pick<AppConfig, "APP_BRIDGE_URL">): void {
  if (!config.APP_BRIDGE_URL) return;
  const policy = headers.get("Content-Security-Policy");
  if (!policy || !/frame-ancestors https:\/\//.test(policy)) return;
  const origin = new URL(config.APP_BRIDGE_URL).origin;
  headers.set("Content-Security-Policy", policy.replace("frame-ancestors ", `frame-ancestors ${origin} `));
}
