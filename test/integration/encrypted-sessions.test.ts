import { Session } from "@shopify/shopify-api";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";
import { offlineSessionStore, sessionStorage as librarySessions } from "~/shopify.server";
import { uniqueShopDomain } from "../support/shops";

// The app's real session storage (shopify.server.ts) on this run's PostgreSQL.
const storage = offlineSessionStore;
const db = getPrisma();
afterAll(disconnectPrisma);

function expiringSession(shop: string, suffix: string): Session {
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: "state",
    isOnline: false,
    scope: "read_orders",
    accessToken: `shpat_${suffix}access`,
    refreshToken: `shprt_${suffix}refresh`,
    expires: new Date(Date.now() + 3_600_000),
    refreshTokenExpires: new Date(Date.now() + 90 * 86_400_000),
  });
}

interface Row {
  id: string;
  accessToken: string;
  refreshToken: string | null;
}

describe("encrypted Shopify session storage", () => {
  it("keeps no token in clear in the Session table and gives the app plain sessions", async () => {
    const shop = uniqueShopDomain();
    const marker = `${Date.now()}x`;
    await storage.storeSession(expiringSession(shop, marker));

    const rows = await db.$queryRaw<Row[]>`SELECT id, "accessToken", "refreshToken" FROM "Session" WHERE shop = ${shop}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].accessToken).toMatch(/^enc:v1:/);
    expect(rows[0].refreshToken).toMatch(/^enc:v1:/);
    const everywhere = await db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM "Session" s WHERE s::text LIKE ${`%${marker}%`}`;
    expect(Number(everywhere[0].n)).toBe(0);

    const loaded = await storage.loadSession(`offline_${shop}`);
    expect(loaded?.accessToken).toBe(`shpat_${marker}access`);
    expect(loaded?.refreshToken).toBe(`shprt_${marker}refresh`);
    const byShop = await storage.findSessionsByShop(shop);
    expect(byShop.map((s) => s.accessToken)).toEqual([`shpat_${marker}access`]);
  });

  it("does not hand out a token copied from another shop's row", async () => {
    const victim = uniqueShopDomain();
    const attacker = uniqueShopDomain();
    await storage.storeSession(expiringSession(victim, "victim"));
    await storage.storeSession(expiringSession(attacker, "attacker"));

    await db.$executeRaw`
      UPDATE "Session" SET "accessToken" = (SELECT "accessToken" FROM "Session" WHERE id = ${`offline_${victim}`})
      WHERE id = ${`offline_${attacker}`}`;

    expect(await storage.loadSession(`offline_${attacker}`)).toBeUndefined();
    expect((await storage.loadSession(`offline_${victim}`))?.accessToken).toBe("shpat_victimaccess");
  });

  it("treats a tampered row as no session rather than returning garbage", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(expiringSession(shop, "tamper"));
    await db.$executeRaw`
      UPDATE "Session" SET "accessToken" = regexp_replace("accessToken", ':[^:]+$', ':AAAAAAAAAAAAAAAAAAAAAA')
      WHERE id = ${`offline_${shop}`}`;
    expect(await storage.loadSession(`offline_${shop}`)).toBeUndefined();
  });

  it("shows the Shopify library sessions without refresh tokens, and keeps them when it stores one back", async () => {
    const shop = uniqueShopDomain();
    await storage.storeSession(expiringSession(shop, "view"));
    const seen = await librarySessions!.loadSession(`offline_${shop}`);
    expect(seen?.accessToken).toBe("shpat_viewaccess");
    expect(seen?.refreshToken).toBeUndefined();

    seen!.scope = "read_orders,write_orders";
    await librarySessions!.storeSession(seen!);
    const full = await storage.loadSession(`offline_${shop}`);
    expect(full).toMatchObject({ scope: "read_orders,write_orders", refreshToken: "shprt_viewrefresh" });

    // A new token from an exchange replaces everything, refresh token included.
    await librarySessions!.storeSession(expiringSession(shop, "fresh"));
    expect((await storage.loadSession(`offline_${shop}`))?.refreshToken).toBe("shprt_freshrefresh");
  });
});
