// The tracking schedule: a sweep every few minutes finds the shops with shipments due for
// a poll and enqueues one poll job per shop, its id bucketed by the sweep's window so a
// shop never has two polls queued for the same window. The poll job asks the carriers,
// writes the new events to the channel, then records delivered COD orders as paid.
import { z } from "zod";
import { forShop, getPrisma } from "../db/prisma.server";
import { enqueue, QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { withSystemContext } from "../security/tenancy";
import { writeEventsToChannels } from "./channel-writeback.server";
import { collectDeliveredCod } from "./cod-collection.server";
import { TRACKING_POLL_JOB, TRACKING_SWEEP_EVERY_MS } from "./job-names";
import { pollShopTracking } from "./poll.server";

const logger = loggerFor("tracking");

export async function runTrackingSweep(now: Date = new Date()): Promise<{ shops: number; enqueued: number }> {
  const base = getPrisma();
  // Shops with a shipment due, or with events still to write to their channel.
  const [due, unwritten] = await withSystemContext("tracking sweep: finds every shop with shipments to poll", () =>
    Promise.all([
      base.shipment.groupBy({
        by: ["shopId"],
        where: {
          status: "PURCHASED",
          trackingNumber: { not: null },
          OR: [{ nextTrackAt: null, trackingStatus: null }, { nextTrackAt: { lte: now } }],
          shop: { uninstalledAt: null, redactedAt: null },
        },
      }),
      base.shipmentEvent.groupBy({ by: ["shopId"], where: { channelWrittenAt: null, shop: { uninstalledAt: null, redactedAt: null } } }),
    ]),
  );
  const shopIds = new Set([...due, ...unwritten].map((row) => row.shopId));
  const bucket = Math.floor(now.getTime() / TRACKING_SWEEP_EVERY_MS);
  let enqueued = 0;
  for (const shopId of shopIds) {
    try {
      await enqueue({ queue: "fulfillment", name: TRACKING_POLL_JOB, data: { shopId }, jobId: `tracking-poll-${shopId}-${bucket}` });
      enqueued += 1;
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      logger.warn({ shopId }, "queue unavailable: the next sweep enqueues this shop's tracking poll");
    }
  }
  return { shops: shopIds.size, enqueued };
}

const pollData = z.object({ shopId: z.uuid() });

export async function runTrackingPoll(data: unknown, now: Date = new Date()) {
  const { shopId } = pollData.parse(data);
  const db = forShop(shopId);
  const shop = await db.shop.findFirst({ where: { id: shopId }, select: { uninstalledAt: true, redactedAt: true } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop uninstalled" };
  const polled = await pollShopTracking(db, logger, now);
  const channel = await writeEventsToChannels(db, logger);
  // Delivered cash-on-delivery orders: the cash was taken at the door.
  const codCollected = await collectDeliveredCod(db, logger);
  if (polled.newEvents > 0 || channel.written > 0 || codCollected > 0) logger.info({ shopId, ...polled, changed: polled.changed.length, ...channel, codCollected }, "tracking polled");
  return { ...polled, ...channel, codCollected };
}
