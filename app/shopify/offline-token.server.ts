// Offline tokens for background work. Shopify's offline tokens expire after an
// hour and come with a refresh token that rotates on every use, so two workers
// refreshing at once would spend the same refresh token. Every refresh therefore
// happens under a per-shop Redis lock: one caller refreshes, the others wait and
// re-read the stored session. A refused refresh token marks the shop NEEDS_REAUTH
// and fails its Shopify jobs at once instead of burning retries.
import { randomUUID } from "node:crypto";
import { HttpResponseError, Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { forShop, type Database } from "../db/prisma.server";
import { recordTokenFetch } from "../metrics/record.server";
import { recordAudit } from "../security/audit.server";

/** Refresh when less than this is left, as the Shopify library does. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/**
 * When Shopify answers a refresh without expires_in, the library stores no expiry
 * and would never refresh again (shopify-app-js#3400). Assume this lifetime instead,
 * short enough that a wrong guess costs one early refresh, not an outage.
 */
export const ASSUMED_LIFETIME_MS = 15 * 60_000;
const LOCK_TTL_MS = 20_000;
const LOCK_POLL_MS = 50;

export class ShopNeedsReauthError extends Error {
  readonly retryable = false;
  constructor(
    readonly shop: string,
    reason: string,
  ) {
    super(`Shop ${shop} needs an admin to open Rappit again: ${reason}`);
    this.name = "ShopNeedsReauthError";
  }
}

export interface OfflineTokenDeps {
  db: Database;
  storage: SessionStorage;
  redis: Redis;
  /** Exchanges a refresh token for a new session (Shopify's token endpoint). */
  refresh(shop: string, refreshToken: string): Promise<Session>;
  logger: Logger;
  lockPrefix: string;
}

export const offlineSessionId = (shop: string) => `offline_${shop}`;

export function needsRefresh(session: Session, now = Date.now()): boolean {
  if (!session.refreshToken) return false; // a non-expiring token: nothing to refresh
  return !session.expires || session.expires.getTime() - now < REFRESH_MARGIN_MS;
}

function isRefusedGrant(error: unknown): boolean {
  return error instanceof HttpResponseError && [400, 401, 403].includes(error.response.code);
}

const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** A stored offline session of `shop` whose access token is good for at least the refresh margin. */
export async function getFreshOfflineSession(shop: string, deps: OfflineTokenDeps): Promise<Session> {
  const lockKey = `${deps.lockPrefix}:lock:shopify-token:${shop}`;
  const deadline = Date.now() + 3 * LOCK_TTL_MS;

  while (Date.now() < deadline) {
    const shopRow = await deps.db.shop.findUnique({ where: { domain: shop } });
    if (shopRow?.tokenStatus === "NEEDS_REAUTH") {
      throw new ShopNeedsReauthError(shop, "Shopify refused its refresh token earlier");
    }
    const session = await deps.storage.loadSession(offlineSessionId(shop));
    if (!session) throw new ShopNeedsReauthError(shop, "no offline session is stored");
    if (!needsRefresh(session)) return session;

    const owner = randomUUID();
    if ((await deps.redis.set(lockKey, owner, "PX", LOCK_TTL_MS, "NX")) === "OK") {
      try {
        return await refreshUnderLock(shop, deps);
      } finally {
        await deps.redis.eval(RELEASE_IF_OWNER, 1, lockKey, owner);
      }
    }
    // Another worker is refreshing: wait for it, then read what it stored.
    while ((await deps.redis.exists(lockKey)) === 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  throw new Error(`Timed out waiting to refresh the offline token of ${shop}`);
}

async function refreshUnderLock(shop: string, deps: OfflineTokenDeps): Promise<Session> {
  // Re-read under the lock: the previous holder may have refreshed already.
  const current = await deps.storage.loadSession(offlineSessionId(shop));
  if (!current) throw new ShopNeedsReauthError(shop, "no offline session is stored");
  if (!needsRefresh(current)) return current;

  let refreshed: Session;
  try {
    refreshed = await deps.refresh(shop, current.refreshToken!);
    recordTokenFetch("shopify", "success");
  } catch (error) {
    recordTokenFetch("shopify", "failure");
    if (!isRefusedGrant(error)) throw error; // transient: the job retries
    await markNeedsReauth(shop, deps, error instanceof Error ? error.message : String(error));
    throw new ShopNeedsReauthError(shop, "Shopify refused the refresh token");
  }

  const next = new Session({
    ...refreshed.toObject(),
    id: current.id,
    expires: refreshed.expires ?? new Date(Date.now() + ASSUMED_LIFETIME_MS),
    // A reply without a new refresh token leaves the current one in force.
    refreshToken: refreshed.refreshToken ?? current.refreshToken,
    refreshTokenExpires: refreshed.refreshToken ? refreshed.refreshTokenExpires : current.refreshTokenExpires,
  });
  await deps.storage.storeSession(next);

  const shopRow = await deps.db.shop.findUnique({ where: { domain: shop } });
  if (shopRow) {
    await recordAudit(forShop(shopRow.id, deps.db), {
      actor: { type: "WORKER", id: "offline-token" },
      action: "TOKEN_REFRESHED",
      subject: { type: "Session", id: current.id },
      after: { expires: next.expires?.toISOString(), expiresInReply: Boolean(refreshed.expires) },
    });
  }
  deps.logger.info({ shop, expires: next.expires }, "offline token refreshed");
  return next;
}

async function markNeedsReauth(shop: string, deps: OfflineTokenDeps, reason: string): Promise<void> {
  const shopRow = await deps.db.shop.findUnique({ where: { domain: shop } });
  if (!shopRow) return;
  const { count } = await deps.db.shop.updateMany({
    where: { id: shopRow.id, tokenStatus: "OK" },
    data: { tokenStatus: "NEEDS_REAUTH" },
  });
  if (count === 1) {
    await recordAudit(forShop(shopRow.id, deps.db), {
      actor: { type: "WORKER", id: "offline-token" },
      action: "TOKEN_REFRESH_FAILED",
      subject: { type: "Shop", id: shopRow.id },
      before: { tokenStatus: "OK" },
      after: { tokenStatus: "NEEDS_REAUTH", reason },
    });
  }
  deps.logger.warn({ shop }, "Shopify refused the refresh token: shop needs re-authentication");
}
