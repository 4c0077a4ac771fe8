// The local admin host (server/admin-host): its session tokens pass the Shopify library's
// own checks, its pages frame the app the way the admin does, and the app lets only it
// (and only when configured) frame embedded pages.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminHost, type AdminHost } from "../../server/admin-host";
import { hostParam } from "../../server/admin-host/admin-urls";
import { withLocalAdminFraming } from "../../server/local-admin-framing";

const apiKey = "admin-host-key";
const apiSecret = "admin-host-secret-0123456789abcdef";
const shop = "north-wind.myshopify.com";
const appUrl = "http://127.0.0.1:3999";
const library = shopifyApi({
  apiKey,
  apiSecretKey: apiSecret,
  apiVersion: ApiVersion.October25,
  hostName: "127.0.0.1:3999",
  hostScheme: "http",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => undefined },
});
let host: AdminHost;

beforeAll(async () => {
  host = await startAdminHost({ appUrl, apiKey, apiSecret, shops: [shop], userId: "42" });
});
afterAll(async () => {
  await host.close();
});

function frameSrc(html: string): URL {
  const src = /<iframe[^>]* src="([^"]+)"/.exec(html)?.[1];
  expect(src).toBeDefined();
  return new URL(src!.replace(/&amp;/g, "&"));
}

describe("local admin host", () => {
  it("frames the app at its path with shop, host, embedded=1 and a session token the library accepts", async () => {
    const page = await fetch(host.adminUrlFor(shop, "/app/approvals/abc?t=xyz"));
    expect(page.status).toBe(200);
    const html = await page.text();
    const src = frameSrc(html);
    expect(`${src.origin}${src.pathname}`).toBe(`${appUrl}/app/approvals/abc`);
    expect(src.searchParams.get("t")).toBe("xyz");
    expect(src.searchParams.get("shop")).toBe(shop);
    expect(src.searchParams.get("embedded")).toBe("1");
    expect(library.utils.sanitizeHost(src.searchParams.get("host")!)).toBe(hostParam(shop));
    expect(Buffer.from(src.searchParams.get("host")!, "base64").toString()).toBe("admin.shopify.com/store/north-wind");

    const claims = await library.session.decodeSessionToken(src.searchParams.get("id_token")!);
    expect(claims).toMatchObject({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: apiKey, sub: "42" });
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sid).toMatch(/^[0-9a-f]{32}$/);
  });

  it("maps admin.shopify.com links of its stores onto itself and 404s other stores", async () => {
    const link = "https://admin.shopify.com/store/north-wind/apps/rappit/app/approvals/abc?t=xyz";
    expect(host.localAdminUrl(link)).toBe(`${host.url}/store/north-wind/apps/rappit/app/approvals/abc?t=xyz`);
    expect(host.localAdminUrl(link)).toBe(host.adminUrlFor(shop, "/app/approvals/abc?t=xyz"));
    expect((await fetch(`${host.url}/store/someone-else/apps/rappit/app`)).status).toBe(404);
    expect(() => host.adminUrlFor("someone-else.myshopify.com")).toThrow(/not started with/);
  });

  it("hands session tokens only to its own page, for its own stores", async () => {
    const own = await fetch(`${host.url}/session-token?shop=${shop}`, { headers: { Origin: host.url } });
    const { token } = (await own.json()) as { token: string };
    expect((await library.session.decodeSessionToken(token)).dest).toBe(`https://${shop}`);
    expect((await fetch(`${host.url}/session-token?shop=${shop}`, { headers: { Origin: "http://evil.example" } })).status).toBe(403);
    expect((await fetch(`${host.url}/session-token?shop=other.myshopify.com`)).status).toBe(404);
  });

  it("serves the App Bridge stand-in bundled for the browser, talking only to this host", async () => {
    const response = await fetch(host.appBridgeUrl);
    expect(response.headers.get("content-type")).toContain("text/javascript");
    const script = await response.text();
    expect(script).toContain(JSON.stringify(host.url));
    expect(script).toContain("ui-nav-menu");
    expect(script).not.toMatch(/^\s*import /m);
  });
});

describe("framing by the local admin host", () => {
  const embedded = `frame-ancestors https://${shop} https://admin.shopify.com;`;
  const standIn = "http://127.0.0.1:4600/app-bridge.js";

  it("adds the stand-in's origin to an embedded page's frame-ancestors when APP_BRIDGE_URL is set", () => {
    expect(withLocalAdminFraming(embedded, standIn)).toBe(`frame-ancestors http://127.0.0.1:4600 https://${shop} https://admin.shopify.com;`);
  });

  it("changes nothing without APP_BRIDGE_URL, and never opens a page framed by no one", () => {
    expect(withLocalAdminFraming(embedded, undefined)).toBe(embedded);
    expect(withLocalAdminFraming("frame-ancestors 'none';", standIn)).toBe("frame-ancestors 'none';");
    expect(withLocalAdminFraming(undefined, standIn)).toBeUndefined();
  });
});
