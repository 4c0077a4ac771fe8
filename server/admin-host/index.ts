// A local stand-in for the Shopify admin, for the browser tests and `npm run demo`: pages
// shaped like admin.shopify.com/store/<store>/apps/<handle>/<path> that frame the app the
// way the admin loads an embedded app, sign session tokens with the app's secret, and serve
// the App Bridge stand-in (/app-bridge.js). Never part of the production server.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { renderAdminPage, renderStoreList } from "./admin-page";
import { adminBasePath, appFrameUrl, parseAdminPath, storeOf } from "./admin-urls";
import { buildBrowserScripts } from "./browser-scripts";
import { signSessionToken } from "./session-token";

export interface AdminHostOptions {
  /** Where Rappit is served, e.g. http://127.0.0.1:3000. */
  appUrl: string;
  /** The app's client id. */
  apiKey: string;
  /** Signs session tokens (HS256), as Shopify does with the app's client secret. */
  apiSecret: string;
  /** Shop domains (*.myshopify.com) the host can open. */
  shops: string[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The admin user the session tokens name (sub); "1" by default. */
  userId?: string;
  /** The app's handle in admin addresses; "rappit" by default (SHOPIFY_APP_HANDLE). */
  appHandle?: string;
  /** The name shown in the admin's menu and title bar; "Rappit" by default. */
  appName?: string;
}

export interface AdminHost {
  url: string;
  /** The admin page that opens `appPath` (path and query, "/app" by default) of the app for `shop`. */
  adminUrlFor(shop: string, appPath?: string): string;
  /** The stand-in script's address: the app's APP_BRIDGE_URL. */
  appBridgeUrl: string;
  /** Maps a link into the real admin (https://admin.shopify.com/store/...) to this host. */
  localAdminUrl(adminUrl: string): string;
  close(): Promise<void>;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export async function startAdminHost(options: AdminHostOptions): Promise<AdminHost> {
  for (const shop of options.shops) {
    if (!SHOP_DOMAIN.test(shop)) throw new Error(`Not a shop domain: ${shop} (expected <store>.myshopify.com)`);
  }
  const appOrigin = new URL(options.appUrl).origin;
  const appUrl = options.appUrl.replace(/\/+$/, "");
  const handle = options.appHandle ?? "rappit";
  const appName = options.appName ?? "Rappit";
  const userId = options.userId ?? "1";
  const shopsByStore = new Map(options.shops.map((shop) => [storeOf(shop), shop]));
  let scripts: Awaited<ReturnType<typeof buildBrowserScripts>> | undefined;

  const token = (shop: string) => signSessionToken({ apiKey: options.apiKey, apiSecret: options.apiSecret, shop, userId });

  const server = createServer((request, response) => {
    try {
      route(request, response);
    } catch (error) {
      send(response, 500, "text/plain", `admin host error: ${(error as Error).message}`);
    }
  });

  function route(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", host.url);
    if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain", "Method Not Allowed");
    if (url.pathname === "/app-bridge.js") return send(response, 200, "text/javascript", scripts!.appBridge);
    if (url.pathname === "/host-page.js") return send(response, 200, "text/javascript", scripts!.hostPage);
    if (url.pathname === "/session-token") return sessionToken(request, url, response);
    if (url.pathname === "/") {
      const links = options.shops.map((shop) => ({ shop, href: host.adminUrlFor(shop) }));
      return send(response, 200, "text/html", renderStoreList(links));
    }
    const admin = parseAdminPath(url.pathname);
    const shop = admin ? shopsByStore.get(admin.store) : undefined;
    if (!admin || !shop) return send(response, 404, "text/plain", "Not Found: this admin opens only the stores it was started with");
    // The admin's address for the app's root is the app's application_url, like the real admin.
    const frameUrl = appFrameUrl({ appUrl, shop, appPathAndQuery: `${admin.appPath}${url.search}`, idToken: token(shop) });
    const page = renderAdminPage({ config: { appOrigin, shop, basePath: adminBasePath(shop, admin.handle) }, frameUrl, appName });
    send(response, 200, "text/html", page);
  }

  /** A fresh token for the page's shop; only the host's own page may ask (no CORS, origin checked). */
  function sessionToken(request: IncomingMessage, url: URL, response: ServerResponse): void {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== host.url) return send(response, 403, "application/json", JSON.stringify({ error: "Forbidden origin" }));
    const shop = url.searchParams.get("shop") ?? "";
    if (!options.shops.includes(shop)) return send(response, 404, "application/json", JSON.stringify({ error: `Unknown shop ${shop}` }));
    send(response, 200, "application/json", JSON.stringify({ token: token(shop) }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const host: AdminHost = {
    url: `http://127.0.0.1:${port}`,
    appBridgeUrl: `http://127.0.0.1:${port}/app-bridge.js`,
    adminUrlFor(shop, appPath = "/app") {
      if (!options.shops.includes(shop)) throw new Error(`The admin host was not started with ${shop}`);
      const path = appPath.startsWith("/") ? appPath : `/${appPath}`;
      return `${host.url}${adminBasePath(shop, handle)}${path}`;
    },
    localAdminUrl(adminUrl) {
      const parsed = new URL(adminUrl);
      if (parsed.origin !== "https://admin.shopify.com") throw new Error(`Not an admin link: ${adminUrl}`);
      return `${host.url}${parsed.pathname}${parsed.search}`;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  try {
    scripts = await buildBrowserScripts(host.url);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" });
  response.end(body);
}
