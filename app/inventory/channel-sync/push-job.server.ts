// PUSH_STOCK_JOB: send every changed level of a shop to its channels. Items whose
// `version` is ahead of `syncedVersion` are read in batches; each is pushed to every
// channel it is on; then syncedVersion is set to the version that was read, only if
// it is still below it. A change made during the push leaves the item behind (its
// version moved on), so the next loop pushes it again: nothing is lost, and a burst of
// changes costs one push of the latest value, not one per change.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import { getConfig } from "../../config/env.server";
import { forShop, getPrisma, pgPoolOf, type ShopDatabase } from "../../db/prisma.server";
import { getProducerRedis } from "../../jobs/redis.server";
import { loggerFor } from "../../logging/logger.server";
import { requestInventoryPush } from "../push-requests.server";
import { holdsBack, syncErrorOf, type ChannelOutcome, type PushItem } from "./channel-outcome";
import { acquirePushLock, PushInProgressError, PushLockLostError } from "./push-lock.server";
import { pushToShopify, type ShopifyPushDeps } from "./shopify-push.server";
import { pushToWooCommerce } from "./woo-stock.server";

const jobSchema = z.object({ shopId: z.uuid() });
export const PUSH_BATCH = 250;
/** Loops per job; a shop changing faster than this gets a follow-up job instead of an endless one. */
const MAX_LOOPS = 40;

export interface PushResult {
  skipped?: string;
  pushed: number;
  failed: number;
  loops: number;
}

export interface PushContext {
  /** The BullMQ job id: the Shopify idempotency keys derive from it, so a retried job reuses them. */
  jobId?: string;
}

export interface PushDeps extends ShopifyPushDeps {
  logger?: Logger;
}

async function itemsBehind(db: ShopDatabase, exclude: string[]): Promise<PushItem[]> {
  const { rows } = await pgPoolOf(db).query<PushItem>({
    name: "inventory-push-behind",
    text: `SELECT id, sku, available, version, "shopifyInventoryItemId", "shopifyLocationId", "wooChannelId", "wooProductId", "wooVariationId"
             FROM "InventoryItem"
            WHERE "shopId" = $1 AND version > "syncedVersion" AND NOT (id = ANY($2::uuid[]))
            ORDER BY id
            LIMIT $3`,
    values: [db.$shopId(), exclude, PUSH_BATCH],
  });
  return rows;
}

/** Items done: synced up to the version read, unless a newer push already went further. */
async function markSynced(db: ShopDatabase, done: Array<{ item: PushItem; note: string | null }>): Promise<void> {
  if (done.length === 0) return;
  await pgPoolOf(db).query({
    name: "inventory-push-mark-synced",
    text: `UPDATE "InventoryItem" AS i
              SET "syncedVersion" = d.version, "syncedAt" = now(), "syncError" = d.note
             FROM unnest($2::uuid[], $3::int[], $4::text[]) AS d(id, version, note)
            WHERE i.id = d.id AND i."shopId" = $1 AND i."syncedVersion" < d.version`,
    values: [db.$shopId(), done.map((d) => d.item.id), done.map((d) => d.item.version), done.map((d) => d.note)],
  });
}

/** Items held back: the reason is shown to the merchant; version stays ahead so they are retried. */
async function markFailed(db: ShopDatabase, held: Array<{ item: PushItem; note: string | null }>): Promise<void> {
  if (held.length === 0) return;
  await pgPoolOf(db).query({
    name: "inventory-push-mark-failed",
    text: `UPDATE "InventoryItem" AS i SET "syncError" = d.note
             FROM unnest($2::uuid[], $3::text[]) AS d(id, note)
            WHERE i.id = d.id AND i."shopId" = $1`,
    values: [db.$shopId(), held.map((h) => h.item.id), held.map((h) => h.note)],
  });
}

export async function runInventoryPush(data: unknown, context: PushContext = {}, deps: PushDeps = {}): Promise<PushResult> {
  const { shopId } = jobSchema.parse(data);
  const logger = deps.logger ?? loggerFor("inventory");
  const jobId = context.jobId || `push-${randomUUID()}`;
  const shop = await getPrisma().shop.findUnique({
    where: { id: shopId },
    select: { id: true, domain: true, tokenStatus: true, primaryLocationId: true, uninstalledAt: true, redactedAt: true },
  });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed", pushed: 0, failed: 0, loops: 0 };

  const lock = await acquirePushLock(getProducerRedis(), getConfig().QUEUE_PREFIX, shopId);
  if (!lock) throw new PushInProgressError(1_000);
  const db = forShop(shopId);
  const failedIds: string[] = [];
  let pushed = 0;
  let loops = 0;
  try {
    for (; loops < MAX_LOOPS; loops++) {
      if (loops > 0 && !(await lock.renew())) throw new PushLockLostError();
      const items = await itemsBehind(db, failedIds);
      if (items.length === 0) break;
      const shopify = await pushToShopify(db, shop, items, jobId, logger, deps);
      const woo = await pushToWooCommerce(db, items, logger);
      const done: Array<{ item: PushItem; note: string | null }> = [];
      const held: Array<{ item: PushItem; note: string | null }> = [];
      for (const item of items) {
        const outcomes = [shopify.get(item.id), woo.get(item.id)].filter((o): o is ChannelOutcome => o !== undefined);
        const entry = { item, note: syncErrorOf(outcomes) };
        if (holdsBack(outcomes)) held.push(entry);
        else done.push(entry);
      }
      await markSynced(db, done);
      await markFailed(db, held);
      failedIds.push(...held.map((h) => h.item.id));
      pushed += done.length;
      if (held.length > 0) logger.warn({ shopId, failed: held.length, first: held[0].note }, "some items could not be pushed: they stay behind");
    }
  } finally {
    await lock.release().catch(() => undefined);
  }
  // Still more behind after the last loop: a follow-up job carries on (held-back items wait for the sweep).
  if (loops === MAX_LOOPS) await requestInventoryPush(shopId);
  logger.info({ shopId, pushed, failed: failedIds.length, loops }, "inventory pushed to channels");
  return { pushed, failed: failedIds.length, loops };
}
