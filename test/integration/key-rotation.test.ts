import { randomBytes, randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { PgSessionStorage } from "~/shopify/pg-session-storage.server";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployMigrations } from "~/db/migrations.server";
import { createPrismaClient, forShop, pgPoolOf, type Database } from "~/db/prisma.server";
import { EncryptedSessionStorage } from "~/security/encrypted-session-storage.server";
import { rowBinding } from "~/security/encrypted-columns";
import { Cipher, keyIdOfCiphertext, parseKey } from "~/security/encryption";
import { rotateKeys } from "~/security/key-rotation.server";
import { recordInstall } from "~/shops/shop-service.server";
import { createDatabase, dropDatabase } from "../setup/services";

// Rotation rewrites whole tables, so it runs on a database of its own.
const name = `rappit_rotation_${randomBytes(4).toString("hex")}`;
const silent = pino({ level: "silent" });
const oldKey = parseKey(randomBytes(32).toString("hex"));
const newKey = parseKey(randomBytes(32).toString("base64"));
let db: Database;
let raw: PrismaClient;

beforeAll(async () => {
  const url = await createDatabase(name);
  await deployMigrations(url);
  db = createPrismaClient(url, 2);
  raw = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }) });
});

afterAll(async () => {
  await db.$disconnect();
  await raw.$disconnect();
  await dropDatabase(name);
});

function storageWith(cipher: Cipher) {
  return new EncryptedSessionStorage(new PgSessionStorage(pgPoolOf(db)), cipher, silent);
}

async function seed(shops: number, cipher: Cipher) {
  const domains = Array.from({ length: shops }, (_, i) => `rot-${i}-${randomBytes(3).toString("hex")}.myshopify.com`);
  for (const domain of domains) {
    await recordInstall(db, domain, "read_orders");
    await storageWith(cipher).storeSession(
      new Session({ id: `offline_${domain}`, shop: domain, state: "s", isOnline: false, accessToken: `access-${domain}`, refreshToken: `refresh-${domain}` }),
    );
    // A connected WooCommerce store: its REST keys and webhook secret are encrypted columns too.
    const shop = await db.shop.findUniqueOrThrow({ where: { domain } });
    const id = randomUUID();
    await forShop(shop.id, db).channel.create({
      data: {
        id,
        shopId: shop.id,
        type: "WOOCOMMERCE",
        externalId: `https://${domain}.example`,
        name: domain,
        credentials: cipher.encrypt(`keys-${domain}`, rowBinding("Channel", id, "credentials")),
        webhookSecret: cipher.encrypt(`secret-${domain}`, rowBinding("Channel", id, "webhookSecret")),
      },
    });
    // And a carrier account's API credentials.
    const accountId = randomUUID();
    await forShop(shop.id, db).shippingAccount.create({
      data: {
        id: accountId,
        shopId: shop.id,
        carrier: "FEDEX",
        environment: "SANDBOX",
        name: domain,
        accountNumber: "123456789",
        credentialsHint: "1234",
        credentials: cipher.encrypt(`carrier-${domain}`, rowBinding("ShippingAccount", accountId, "credentials")),
      },
    });
  }
  return domains;
}

async function keyIdsInUse(): Promise<string[]> {
  const rows = await raw.$queryRaw<Array<{ v: string }>>`
    SELECT "accessToken" AS v FROM "Session" UNION ALL SELECT "refreshToken" FROM "Session" WHERE "refreshToken" IS NOT NULL
    UNION ALL SELECT credentials FROM "Channel" WHERE credentials IS NOT NULL
    UNION ALL SELECT "webhookSecret" FROM "Channel" WHERE "webhookSecret" IS NOT NULL
    UNION ALL SELECT credentials FROM "ShippingAccount" WHERE credentials IS NOT NULL`;
  return [...new Set(rows.map((row) => keyIdOfCiphertext(row.v) ?? "plaintext"))];
}

describe("keys:rotate", () => {
  it("re-encrypts every column under the current key, resumably, and audits per shop", async () => {
    const domains = await seed(5, new Cipher(oldKey));
    expect(await keyIdsInUse()).toEqual([oldKey.id]);

    const rotating = new Cipher(newKey, [oldKey]);
    // Interrupted after two batches of two values...
    const partial = await rotateKeys({ db, cipher: rotating, logger: silent, batchSize: 2, maxBatches: 2 });
    expect(partial).toMatchObject({ complete: false, rotated: 4, failed: 0 });
    expect((await keyIdsInUse()).sort()).toEqual([oldKey.id, newKey.id].sort());

    // ...and resumed: only what is left is rotated.
    const rest = await rotateKeys({ db, cipher: rotating, logger: silent, batchSize: 2 });
    expect(rest).toMatchObject({ complete: true, rotated: 21, failed: 0 });
    expect(rest.columns).toEqual([
      { table: "Session", column: "accessToken", rotated: 1, failed: 0 },
      { table: "Session", column: "refreshToken", rotated: 5, failed: 0 },
      { table: "Channel", column: "credentials", rotated: 5, failed: 0 },
      { table: "Channel", column: "webhookSecret", rotated: 5, failed: 0 },
      { table: "ShippingAccount", column: "credentials", rotated: 5, failed: 0 },
    ]);
    expect(await keyIdsInUse()).toEqual([newKey.id]);

    // The retired key can go: every session opens with the new key alone.
    const newOnly = storageWith(new Cipher(newKey));
    for (const domain of domains) {
      const session = await newOnly.loadSession(`offline_${domain}`);
      expect(session?.accessToken).toBe(`access-${domain}`);
      expect(session?.refreshToken).toBe(`refresh-${domain}`);
      const channel = await raw.channel.findFirstOrThrow({ where: { name: domain, type: "WOOCOMMERCE" } });
      expect(new Cipher(newKey).decrypt(channel.credentials!, rowBinding("Channel", channel.id, "credentials"))).toBe(`keys-${domain}`);
    }

    // Running again finds nothing to do.
    expect(await rotateKeys({ db, cipher: rotating, logger: silent })).toMatchObject({ rotated: 0, complete: true });

    const shop = await db.shop.findUniqueOrThrow({ where: { domain: domains[0] } });
    const audits = await forShop(shop.id, db).auditLog.findMany({ where: { action: "KEYS_ROTATED" } });
    expect(audits.length).toBeGreaterThanOrEqual(1);
    expect(audits.every((row) => (row.after as { keyId: string }).keyId === newKey.id)).toBe(true);
  });

  it("reports values it cannot decrypt and leaves them untouched", async () => {
    const stranger = parseKey(randomBytes(32).toString("hex"));
    const [domain] = await seed(1, new Cipher(stranger));
    const before = await raw.session.findUniqueOrThrow({ where: { id: `offline_${domain}` } });

    const report = await rotateKeys({ db, cipher: new Cipher(newKey, [oldKey]), logger: silent });
    expect(report.failed).toBe(5);
    const after = await raw.session.findUniqueOrThrow({ where: { id: `offline_${domain}` } });
    expect(after.accessToken).toBe(before.accessToken);
  });
});
