import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";
import * as scopesUpdate from "~/routes/webhooks.app.scopes_update";
import * as uninstalled from "~/routes/webhooks.app.uninstalled";
import { sessionStorage as storage } from "~/shopify.server";
import { recordInstall } from "~/shops/shop-service.server";
import { signedWebhook, responseOf } from "../support/shopify-webhooks";
import { offlineSession, onlineSession, uniqueShopDomain } from "../support/shops";

// The real route modules, the real shopifyApp() and the real Prisma session storage
// on this run's PostgreSQL database (test/setup/test-env.ts points the app there).
const db = getPrisma();
const sessionStorage = storage!;

afterAll(disconnectPrisma);

async function installedShop(): Promise<string> {
  const shop = uniqueShopDomain();
  await recordInstall(db, shop, "read_orders");
  await sessionStorage.storeSession(offlineSession(shop));
  await sessionStorage.storeSession(onlineSession(shop));
  return shop;
}

function uninstallRequest(shop: string, secret?: string) {
  return signedWebhook({
    topic: "app/uninstalled",
    shop,
    path: "/webhooks/app/uninstalled",
    payload: { id: 1, domain: shop },
    secret,
  });
}

describe("app/uninstalled webhook", () => {
  it("deletes that shop's sessions, and only that shop's, and marks it uninstalled", async () => {
    const shopA = await installedShop();
    const shopB = await installedShop();

    const response = await responseOf(() => uninstalled.action({ request: uninstallRequest(shopA), params: {}, context: {} }));
    expect(response.status).toBe(200);

    expect(await db.session.count({ where: { shop: shopA } })).toBe(0);
    expect(await db.session.count({ where: { shop: shopB } })).toBe(2);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shopA } })).uninstalledAt).toBeInstanceOf(Date);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shopB } })).uninstalledAt).toBeNull();
  });

  it("answers a redelivery after the sessions are gone with 200 and changes nothing", async () => {
    const shop = await installedShop();
    await uninstalled.action({ request: uninstallRequest(shop), params: {}, context: {} });
    const first = await db.shop.findUniqueOrThrow({ where: { domain: shop } });

    const again = await responseOf(() => uninstalled.action({ request: uninstallRequest(shop), params: {}, context: {} }));
    expect(again.status).toBe(200);
    const second = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(second.uninstalledAt).toEqual(first.uninstalledAt);
  });

  it("refuses a bad HMAC with 401 and changes nothing", async () => {
    const shop = await installedShop();
    const forged = uninstallRequest(shop, "not-the-app-secret");

    const response = await responseOf(() => uninstalled.action({ request: forged, params: {}, context: {} }));
    expect(response.status).toBe(401);
    expect(await db.session.count({ where: { shop } })).toBe(2);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).toBeNull();
  });

  it("refuses a body altered after signing with 401", async () => {
    const shop = await installedShop();
    const signed = uninstallRequest(shop);
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ id: 2, domain: shop }),
    });
    const response = await responseOf(() => uninstalled.action({ request: tampered, params: {}, context: {} }));
    expect(response.status).toBe(401);
    expect(await db.session.count({ where: { shop } })).toBe(2);
  });
});

describe("app/scopes_update webhook", () => {
  function scopesRequest(shop: string, payload: unknown) {
    return signedWebhook({ topic: "app/scopes_update", shop, path: "/webhooks/app/scopes_update", payload });
  }

  it("records the granted scopes on the shop and its sessions", async () => {
    const shop = await installedShop();
    const current = ["read_orders", "write_orders", "read_inventory"];
    const response = await responseOf(() =>
      scopesUpdate.action({ request: scopesRequest(shop, { previous: ["read_orders"], current, updated_at: new Date().toISOString() }), params: {}, context: {} }),
    );
    expect(response.status).toBe(200);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).scopes).toBe(current.join(","));
    const sessions = await db.session.findMany({ where: { shop } });
    expect(sessions.map((s) => s.scope)).toEqual([current.join(","), current.join(",")]);
  });

  it("answers 400 with a message for a payload without `current`, and changes nothing", async () => {
    const shop = await installedShop();
    const response = await responseOf(() =>
      scopesUpdate.action({ request: scopesRequest(shop, { previous: [] }), params: {}, context: {} }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining("current") });
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).scopes).toBe("read_orders");
  });

  it("refuses a bad HMAC with 401", async () => {
    const shop = await installedShop();
    const request = signedWebhook({
      topic: "app/scopes_update",
      shop,
      path: "/webhooks/app/scopes_update",
      payload: { current: ["write_everything"] },
      secret: "forged",
    });
    const response = await responseOf(() => scopesUpdate.action({ request, params: {}, context: {} }));
    expect(response.status).toBe(401);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).scopes).toBe("read_orders");
  });
});
