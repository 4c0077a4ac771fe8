// The Shop row: one per installed shop, the root every merchant record hangs off.
import { forShop, type Database } from "../db/prisma.server";
import { ensureShopifyChannel } from "../channels/shopify-channel.server";
import { recordAudit } from "../security/audit.server";

export interface ShopRecord {
  id: string;
  domain: string;
  scopes: string[];
  installedAt: Date;
  uninstalledAt: Date | null;
  /** Shopify refused the shop's refresh token; an admin visit (token exchange) heals it. */
  needsReauth: boolean;
}

function toRecord(row: {
  id: string;
  domain: string;
  scopes: string;
  installedAt: Date;
  uninstalledAt: Date | null;
  tokenStatus: string;
}): ShopRecord {
  return {
    id: row.id,
    domain: row.domain,
    scopes: row.scopes ? row.scopes.split(",") : [],
    installedAt: row.installedAt,
    uninstalledAt: row.uninstalledAt,
    needsReauth: row.tokenStatus === "NEEDS_REAUTH",
  };
}

/** Creates the shop on first install, or marks a returning shop installed again. */
export async function recordInstall(db: Database, domain: string, scopes: string | undefined) {
  const row = await db.shop.upsert({
    where: { domain },
    create: { domain, scopes: scopes ?? "" },
    update: { uninstalledAt: null, redactedAt: null, ...(scopes !== undefined ? { scopes } : {}) },
  });
  await ensureShopifyChannel(forShop(row.id, db), domain);
  return toRecord(row);
}

/**
 * app/uninstalled: the shop's sessions are deleted, the shop is marked uninstalled
 * and every channel connection is disconnected (audited), in one transaction.
 * Safe to repeat: Shopify may deliver the webhook more than once.
 */
export async function recordUninstall(db: Database, domain: string, at: Date = new Date()) {
  const shop = await db.shop.findUnique({ where: { domain }, select: { id: true } });
  if (!shop) {
    const { count } = await db.session.deleteMany({ where: { shop: domain } });
    return { shopId: null, sessionsDeleted: count, shopMarked: false, channelsDisconnected: 0, channelIds: [] as string[] };
  }
  const scoped = forShop(shop.id, db);
  return scoped.$transaction(async (tx) => {
    const { count: deleted } = await tx.session.deleteMany({ where: { shop: domain } });
    const { count: marked } = await tx.shop.updateMany({ where: { id: shop.id, uninstalledAt: null }, data: { uninstalledAt: at } });
    const connected = await tx.channel.findMany({ where: { status: { not: "DISCONNECTED" } } });
    for (const channel of connected) {
      // Channel credentials (WooCommerce keys, webhook secret) are deleted with the connection.
      await tx.channel.update({
        where: { id: channel.id },
        data: { status: "DISCONNECTED", disconnectedAt: at, credentials: null, webhookSecret: null },
      });
      await recordAudit(tx, {
        actor: { type: "SYSTEM", id: "app-uninstalled" },
        action: "CHANNEL_DISCONNECTED",
        subject: { type: "Channel", id: channel.id },
        before: { status: channel.status },
        after: { status: "DISCONNECTED" },
      });
    }
    const carriers = await tx.shippingAccount.findMany({ where: { status: { not: "DISCONNECTED" } } });
    for (const account of carriers) {
      // Carrier credentials go with the connection; the cached bearer token expires on its own.
      await tx.shippingAccount.update({
        where: { id: account.id },
        data: { status: "DISCONNECTED", disconnectedAt: at, credentials: null, isDefault: false },
      });
      await recordAudit(tx, {
        actor: { type: "SYSTEM", id: "app-uninstalled" },
        action: "CARRIER_DISCONNECTED",
        subject: { type: "ShippingAccount", id: account.id },
        before: { status: account.status },
        after: { status: "DISCONNECTED" },
      });
    }
    if (marked > 0) {
      await recordAudit(tx, { actor: { type: "SYSTEM", id: "app-uninstalled" }, action: "APP_UNINSTALLED", subject: { type: "Shop", id: shop.id } });
    }
    return {
      shopId: shop.id,
      sessionsDeleted: deleted,
      shopMarked: marked > 0,
      channelsDisconnected: connected.length,
      channelIds: connected.map((channel) => channel.id),
    };
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

/**
 * After a token exchange gave the shop a new offline token: a shop marked
 * NEEDS_REAUTH is healthy again. Audited once, by the visit that healed it.
 */
export async function recordTokenHealed(db: Database, domain: string): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain } });
  if (!shop) return false;
  const { count } = await db.shop.updateMany({
    where: { id: shop.id, tokenStatus: "NEEDS_REAUTH" },
    data: { tokenStatus: "OK" },
  });
  if (count === 1) {
    await recordAudit(forShop(shop.id, db), {
      actor: { type: "SYSTEM", id: "token-exchange" },
      action: "TOKEN_REFRESHED",
      subject: { type: "Shop", id: shop.id },
      before: { tokenStatus: "NEEDS_REAUTH" },
      after: { tokenStatus: "OK" },
    });
  }
  return count === 1;
}
