import { Session } from "@shopify/shopify-api";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma, pgPoolOf } from "~/db/prisma.server";
import { PgSessionStorage } from "~/shopify/pg-session-storage.server";
import { uniqueShopDomain } from "../support/shops";

// The storage below EncryptedSessionStorage, on this run's PostgreSQL: it must read
// and write the same rows Prisma's `Session` model describes.
const db = getPrisma();
const storage = new PgSessionStorage(pgPoolOf(db));
afterAll(disconnectPrisma);

const expires = new Date("2026-11-22T10:15:30.123Z");
const refreshTokenExpires = new Date("2027-02-20T10:15:30.456Z");

function offline(shop: string): Session {
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: "state-1",
    isOnline: false,
    scope: "read_orders,write_orders",
    accessToken: "sealed-access",
    refreshToken: "sealed-refresh",
    expires,
    refreshTokenExpires,
  });
}

function online(shop: string): Session {
  return new Session({
    id: `${shop}_42`,
    shop,
    state: "state-2",
    isOnline: true,
    scope: "read_orders",
    accessToken: "sealed-online",
    expires,
    onlineAccessInfo: {
      expires_in: 86_400,
      associated_user_scope: "read_orders",
      associated_user: {
        id: 9_007_199_254,
        first_name: "Ada",
        last_name: "Merchant",
        email: "ada@example.com",
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  });
}

describe("PostgreSQL session storage", () => {
  it("round-trips an offline session with expiring tokens", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(offline(shop));
    const loaded = await storage.loadSession(`offline_${shop}`);
    expect(loaded).toBeInstanceOf(Session);
    expect(loaded?.toObject()).toEqual(offline(shop).toObject());
    expect(loaded?.expires?.toISOString()).toBe(expires.toISOString());
    expect(loaded?.refreshTokenExpires?.toISOString()).toBe(refreshTokenExpires.toISOString());
  });

  it("round-trips an online session's user", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(online(shop));
    const loaded = await storage.loadSession(`${shop}_42`);
    expect(loaded?.onlineAccessInfo?.associated_user).toEqual(online(shop).onlineAccessInfo?.associated_user);
    expect(loaded?.isOnline).toBe(true);
  });

  it("stores timestamps as Prisma does (UTC wall time), so both read the same instant", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(offline(shop));
    const viaPrisma = await db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(viaPrisma.expires?.toISOString()).toBe(expires.toISOString());
    expect(viaPrisma.refreshTokenExpires?.toISOString()).toBe(refreshTokenExpires.toISOString());
    expect(viaPrisma.userId).toBeNull();

    const later = new Date("2026-12-01T00:00:00.000Z");
    await db.session.update({ where: { id: `offline_${shop}` }, data: { expires: later } });
    expect((await storage.loadSession(`offline_${shop}`))?.expires?.toISOString()).toBe(later.toISOString());
  });

  it("updates in place on a second store, keeping one row", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(offline(shop));
    const renewed = offline(shop);
    renewed.accessToken = "sealed-access-2";
    renewed.refreshToken = undefined;
    await storage.storeSession(renewed);
    const rows = await db.session.findMany({ where: { shop } });
    expect(rows).toHaveLength(1);
    expect(rows[0].accessToken).toBe("sealed-access-2");
    expect(rows[0].refreshToken).toBeNull();
  });

  it("finds a shop's sessions and deletes one or many", async () => {
    const shop = uniqueShopDomain();
    const other = uniqueShopDomain();
    await storage.storeSession(offline(shop));
    await storage.storeSession(online(shop));
    await storage.storeSession(offline(other));

    expect((await storage.findSessionsByShop(shop)).map((s) => s.id).sort()).toEqual([`${shop}_42`, `offline_${shop}`].sort());
    await storage.deleteSession(`${shop}_42`);
    expect((await storage.findSessionsByShop(shop)).map((s) => s.id)).toEqual([`offline_${shop}`]);
    await storage.deleteSessions([`offline_${shop}`, `offline_${other}`]);
    expect(await storage.findSessionsByShop(shop)).toEqual([]);
    expect(await storage.loadSession(`offline_${other}`)).toBeUndefined();
  });

  it("answers undefined for a session it does not hold", async () => {
    expect(await storage.loadSession("offline_missing.myshopify.com")).toBeUndefined();
  });
});
