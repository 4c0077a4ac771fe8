// Pixel events are kept 30 days (enough for risk notes on COD orders, which are approved
// within days), then deleted by a daily job across every shop. Age is counted from
// `receivedAt`, the server's clock: the event's own timestamp comes from the browser.
import { Prisma } from "@prisma/client";
import { getPrisma, type Database } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { withSystemContext } from "../security/tenancy";

export const PIXEL_EVENT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const SHOP_PAGE = 500;
/** Rows per DELETE: short statements, so ingest never waits long on the table. */
const DELETE_BATCH = 5_000;

const logger = loggerFor("pixel-retention");

export function retentionCutoff(now: Date = new Date()): Date {
  return new Date(now.getTime() - PIXEL_EVENT_RETENTION_DAYS * DAY_MS);
}

/** Deletes every shop's pixel events received before the cutoff, in batches; returns the count. */
export async function purgeExpiredPixelEvents(
  options: { db?: Database; now?: Date; batchSize?: number } = {},
): Promise<{ deleted: number; shops: number }> {
  const db = options.db ?? getPrisma();
  const cutoff = retentionCutoff(options.now);
  const batch = options.batchSize ?? DELETE_BATCH;
  return withSystemContext("pixel-retention: events past 30 days, every shop", async () => {
    let deleted = 0;
    let shops = 0;
    let after: string | null = null;
    // Shop by shop, so each DELETE uses the (shopId, receivedAt) index.
    for (;;) {
      const page: Array<{ id: string }> = await db.shop.findMany({
        where: after ? { id: { gt: after } } : {},
        select: { id: true },
        orderBy: { id: "asc" },
        take: SHOP_PAGE,
      });
      if (page.length === 0) break;
      for (const shop of page) {
        let shopDeleted = 0;
        for (;;) {
          const count = await db.$executeRaw(Prisma.sql`
            DELETE FROM "PixelEvent" WHERE id IN (
              SELECT id FROM "PixelEvent" WHERE "shopId" = ${shop.id}::uuid AND "receivedAt" < ${cutoff} LIMIT ${batch})`);
          shopDeleted += count;
          if (count < batch) break;
        }
        if (shopDeleted > 0) shops += 1;
        deleted += shopDeleted;
      }
      after = page[page.length - 1].id;
    }
    logger.info({ deleted, shops, cutoff }, "expired pixel events purged");
    return { deleted, shops };
  });
}

/** The `pixel.purge-events` job. */
export async function runPixelRetention(): Promise<void> {
  await purgeExpiredPixelEvents();
}
