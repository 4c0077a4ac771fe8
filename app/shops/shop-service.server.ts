// The Shop row: one per installed shop, the root every merchant record hangs off.
import type { Database } from "../db/prisma.server";

export interface ShopRecord {
  id: string;
  domain: string;
  scopes: string[];
  installedAt: Date;
  uninstalledAt: Date | null;
}

function toRecord(row: {
  id: string;
  domain: string;
  scopes: string;
  installedAt: Date;
  uninstalledAt: Date | null;
}): ShopRecord {
  return {
    id: row.id,
    domain: row.domain,
    scopes: row.scopes ? row.scopes.split(",") : [],
    installedAt: row.installedAt,
    uninstalledAt: row.uninstalledAt,
  };
}

/** Creates the shop on first install, or marks a returning shop installed again. */
export async function recordInstall(db: Database, domain: string, scopes: string | undefined) {
  const row = await db.shop.upsert({
    where: { domain },
    create: { domain, scopes: scopes ?? "" },
    update: { uninstalledAt: null, ...(scopes !== undefined ? { scopes } : {}) },
  });
  return toRecord(row);
}

/**
 * app/uninstalled: the shop's sessions are deleted and the shop is marked uninstalled,
 * in one transaction. Safe to repeat: Shopify may deliver the webhook more than once.
 */
export async function recordUninstall(db: Database, domain: string, at: Date = new Date()) {
  return db.$transaction(async (tx) => {
    const { count: sessionsDeleted } = await tx.session.deleteMany({ where: { shop: domain } });
    const { count: shopsMarked } = await tx.shop.updateMany({
      where: { domain, uninstalledAt: null },
      data: { uninstalledAt: at },
    });
    return { sessionsDeleted, shopMarked: shopsMarked > 0 };
  });
}

/** app/scopes_update: the scopes the merchant has now granted, on the shop and its sessions. */
export async function recordScopes(db: Database, domain: string, scopes: string[]) {
  const value = scopes.join(",");
  return db.$transaction(async (tx) => {
    await tx.shop.upsert({
      where: { domain },
      create: { domain, scopes: value },
      update: { scopes: value },
    });
    const { count } = await tx.session.updateMany({ where: { shop: domain }, data: { scope: value } });
    return { sessionsUpdated: count };
  });
}

export async function findShop(db: Database, domain: string): Promise<ShopRecord | null> {
  const row = await db.shop.findUnique({ where: { domain } });
  return row ? toRecord(row) : null;
}
