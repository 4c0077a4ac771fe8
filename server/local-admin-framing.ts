// Development, tests and the demo: the local admin host (server/admin-host) frames the app
// instead of admin.shopify.com. APP_BRIDGE_URL names its App Bridge stand-in (the layout and
// the Shopify library's node adapter load it); this lets that host's origin frame the pages
// the library opened to the admin. It works on every response on its way out, because the
// library's own pages (session-token bounce, exit-iframe) are Responses thrown by
// authenticate.admin that Remix sends as they are, past entry.server. Configuration refuses
// APP_BRIDGE_URL in production, so this is never on there.
import type { RequestHandler } from "express";

/**
 * The policy with the stand-in's origin added to frame-ancestors, when the page is already
 * open to the admin (frame-ancestors https://<shop> https://admin.shopify.com ...). Pages
 * framed by no one ('none') and other policies come back unchanged.
 */
export function withLocalAdminFraming(policy: string | undefined, appBridgeUrl: string | undefined): string | undefined {
  if (!appBridgeUrl || !policy || !/frame-ancestors https:\/\//.test(policy)) return policy;
  const origin = new URL(appBridgeUrl).origin;
  return policy.replace("frame-ancestors ", `frame-ancestors ${origin} `);
}

export function localAdminFraming(appBridgeUrl: string): RequestHandler {
  return (_req, res, next) => {
    const writeHead = res.writeHead;
    // Headers are final when writeHead runs (explicitly, or implicitly on the first write).
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      const policy = res.getHeader("Content-Security-Policy");
      const widened = withLocalAdminFraming(typeof policy === "string" ? policy : undefined, appBridgeUrl);
      if (widened !== undefined && widened !== policy) res.setHeader("Content-Security-Policy", widened);
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  };
}
