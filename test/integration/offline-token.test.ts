import { randomBytes } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";

// The whole path over real sockets: the Shopify library's token exchange and refresh
// calls go to the Shopify emulator; sessions land encrypted in PostgreSQL; the lock is in Redis.
// App modules load after SHOPIFY_API_ORIGIN points at the emulator, hence dynamic imports.
const loadApp = async () => ({
  shopify: await import("~/shopify.server"),
  db: await import("~/db/prisma.server"),
  tokens: await import("~/shopify/offline-token.server"),
  admin: await import("~/shopify/offline-admin.server"),
  home: await import("~/routes/app._index"),
});
let emulator: ShopifyEmulator;
let app: Awaited<ReturnType<typeof loadApp>>;
const redisClients: Redis[] = [];

beforeAll(async () => {
  emulator = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  process.env.SHOPIFY_API_ORIGIN = emulator.url;
  app = await loadApp();
});

afterAll(async () => {
  for (const client of redisClients) client.disconnect();
  await app.db.disconnectPrisma();
  await emulator.close();
});

/** One background worker: its own Redis connection, the app's storage and refresh call. */
function worker() {
  const redis = new Redis(process.env.REDIS_URL!);
  redisClients.push(redis);
  return { ...app.admin.defaultOfflineTokenDeps(), redis, logger: pino({ level: "silent" }) };
}

function sessionTokenRequest(shop: string, path: string) {
  return setUpValidRequest(
    { type: RequestType.Bearer, store: shop.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}${path}`),
  );
}

/** Installs a shop the way a merchant does: the first admin request triggers token exchange. */
async function install(): Promise<string> {
  const shop = `tok-${randomBytes(4).toString("hex")}.myshopify.com`;
  emulator.state.addShop(shop);
  await app.home.loader({ request: await sessionTokenRequest(shop, "/app"), params: {}, context: {} });
  return shop;
}

async function storedSession(shop: string): Promise<Session> {
  return (await app.shopify.offlineSessionStore.loadSession(`offline_${shop}`))!;
}

/** Moves the stored token's expiry to within the refresh margin. */
async function nearExpiry(shop: string): Promise<void> {
  const session = await storedSession(shop);
  session.expires = new Date(Date.now() + 60_000);
  await app.shopify.offlineSessionStore.storeSession(session);
}

describe("install", () => {
  it("gets an expiring offline token with a refresh token by token exchange and creates the shop", async () => {
    const before = emulator.state.tokenRequests.token_exchange;
    const shop = await install();
    expect(emulator.state.tokenRequests.token_exchange).toBe(before + 1);
    const session = await storedSession(shop);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const row = await app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row.tokenStatus).toBe("OK");
    // The shop's currency and primary location come from the Admin API at install.
    expect(row.currencyCode).toBe("USD");
    expect(row.primaryLocationId).toBe(emulator.state.shops.get(shop)!.primaryLocationId);
    const channels = await app.db.forShop(row.id).channel.findMany();
    expect(channels.map((c) => [c.type, c.externalId, c.status])).toEqual([["SHOPIFY", shop, "CONNECTED"]]);
  });
});

describe("refreshing offline tokens in the background", () => {
  it("refreshes once when two workers race, and both get the new token", async () => {
    const shop = await install();
    await nearExpiry(shop);
    const old = await storedSession(shop);
    const before = emulator.state.tokenRequests.refresh_token;
    emulator.state.faults.tokenLatencyMs = 300; // a slow token endpoint widens the race

    try {
      const [a, b] = await Promise.all([
        app.tokens.getFreshOfflineSession(shop, worker()),
        app.tokens.getFreshOfflineSession(shop, worker()),
      ]);
      expect(emulator.state.tokenRequests.refresh_token).toBe(before + 1);
      expect(a.accessToken).toBe(b.accessToken);
      expect(a.accessToken).not.toBe(old.accessToken);
      expect(a.refreshToken).not.toBe(old.refreshToken);
    } finally {
      emulator.state.faults.tokenLatencyMs = 0;
    }

    // The refreshed token works against the Admin API.
    const client = await app.admin.offlineAdminClient(shop, worker());
    const reply = await client.request<{ shop: { myshopifyDomain: string } }>(`{ shop { myshopifyDomain } }`);
    expect(reply.data?.shop.myshopifyDomain).toBe(shop);

    const shopRow = await app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
    const audits = await app.db.forShop(shopRow.id).auditLog.findMany({ where: { action: "TOKEN_REFRESHED" } });
    expect(audits).toHaveLength(1);
  });

  it("does not call Shopify while the token is fresh", async () => {
    const shop = await install();
    const before = emulator.state.tokenRequests.refresh_token;
    await app.tokens.getFreshOfflineSession(shop, worker());
    expect(emulator.state.tokenRequests.refresh_token).toBe(before);
  });

  it("keeps refreshing when Shopify's answer has no expires_in", async () => {
    const shop = await install();
    await nearExpiry(shop);
    emulator.state.faults.omitExpiresIn = true;
    try {
      const session = await app.tokens.getFreshOfflineSession(shop, worker());
      const lifetime = session.expires!.getTime() - Date.now();
      expect(lifetime).toBeGreaterThan(app.tokens.REFRESH_MARGIN_MS);
      expect(lifetime).toBeLessThanOrEqual(app.tokens.ASSUMED_LIFETIME_MS);
      expect((await storedSession(shop)).expires).toBeInstanceOf(Date);
    } finally {
      emulator.state.faults.omitExpiresIn = false;
    }
  });

  it("marks the shop NEEDS_REAUTH when Shopify refuses the refresh token, and an admin visit heals it", async () => {
    const shop = await install();
    await nearExpiry(shop);
    emulator.state.revokeRefreshTokens(shop);
    const db = app.db.getPrisma();

    await expect(app.tokens.getFreshOfflineSession(shop, worker())).rejects.toBeInstanceOf(app.tokens.ShopNeedsReauthError);
    const shopRow = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(shopRow.tokenStatus).toBe("NEEDS_REAUTH");
    const failures = await app.db.forShop(shopRow.id).auditLog.findMany({ where: { action: "TOKEN_REFRESH_FAILED" } });
    expect(failures).toHaveLength(1);

    // Further jobs fail at once, without spending another call on Shopify.
    const calls = emulator.state.tokenRequests.refresh_token;
    await expect(app.tokens.getFreshOfflineSession(shop, worker())).rejects.toBeInstanceOf(app.tokens.ShopNeedsReauthError);
    expect(emulator.state.tokenRequests.refresh_token).toBe(calls);

    // The next admin visit: the expired session makes the library do a token exchange, which heals the shop.
    const session = await storedSession(shop);
    session.expires = new Date(Date.now() - 1_000);
    await app.shopify.offlineSessionStore.storeSession(session);
    const home = await app.home.loader({ request: await sessionTokenRequest(shop, "/app"), params: {}, context: {} });
    expect(home.needsReauth).toBe(false);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).tokenStatus).toBe("OK");
    const healed = await app.db.forShop(shopRow.id).auditLog.findMany({ where: { action: "TOKEN_REFRESHED", actorType: "SYSTEM" } });
    expect(healed).toHaveLength(1);
    await expect(app.tokens.getFreshOfflineSession(shop, worker())).resolves.toBeInstanceOf(Session);
  });

  it("never lets the library refresh inside a webhook: refreshing stays behind the lock", async () => {
    const shop = await install();
    await nearExpiry(shop);
    const before = await storedSession(shop);
    const calls = emulator.state.tokenRequests.refresh_token;
    const { getHmac } = await import("@shopify/shopify-api/test-helpers");
    const body = JSON.stringify({ id: 1, name: "#1" });
    const request = new Request(`${APP_URL}/webhooks/orders/updated`, {
      method: "POST",
      body,
      headers: {
        "X-Shopify-Hmac-Sha256": getHmac(body, API_SECRET_KEY),
        "X-Shopify-Topic": "orders/updated",
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomBytes(8).toString("hex"),
      },
    });
    const route = await import("~/routes/webhooks.orders.updated");
    expect((await route.action({ request, params: {}, context: {} })).status).toBe(200);
    expect(emulator.state.tokenRequests.refresh_token).toBe(calls);
    expect((await storedSession(shop)).refreshToken).toBe(before.refreshToken);
  });

  it("shows the re-authentication banner while the shop needs it", async () => {
    const shop = await install();
    await app.db.getPrisma().shop.update({ where: { domain: shop }, data: { tokenStatus: "NEEDS_REAUTH" } });
    const home = await app.home.loader({ request: await sessionTokenRequest(shop, "/app"), params: {}, context: {} });
    expect(home.needsReauth).toBe(true);
  });
});
