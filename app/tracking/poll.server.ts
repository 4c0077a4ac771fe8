// One shop's tracking poll: the shipments whose next poll is due are asked of their carrier
// in the batches it allows; each carrier event is stored once (unique on its key), and the
// shipment's status and next poll time follow. A carrier that says "not now" (rate limit,
// open breaker) fails the whole poll with a retry-later error, so the job waits instead of
// spending an attempt; any other failure of one account leaves the others polled.
import type { Logger } from "pino";
import { connectorFor } from "../carriers/carrier-call.server";
import { CircuitOpenError, RateLimitedError } from "../carriers/core/policies.server";
import { FINAL_TRACKING_STATUSES, latestStatus, TRACKING_STATUSES, type TrackingEvent, type TrackingReport, type TrackingStatus } from "../carriers/tracking";
import type { ShopDatabase } from "../db/prisma.server";
import { nextPollAt, MAX_POLL_DELAY_MS } from "./poll-schedule";

/** At most this many shipments per poll; the rest are due on the next one. */
const SHIPMENTS_PER_POLL = 500;

export interface PollResult {
  polled: number;
  newEvents: number;
  /** Shipments that got new events: their events go to the channel next. */
  changed: string[];
}

const asStatus = (value: string | null): TrackingStatus | null => (TRACKING_STATUSES as readonly string[]).includes(value ?? "") ? (value as TrackingStatus) : null;

export async function pollShopTracking(db: ShopDatabase, logger: Logger, now: Date = new Date()): Promise<PollResult> {
  const due = await db.shipment.findMany({
    where: {
      status: "PURCHASED",
      trackingNumber: { not: null },
      OR: [{ trackingStatus: null }, { trackingStatus: { notIn: [...FINAL_TRACKING_STATUSES] } }],
      AND: [{ OR: [{ nextTrackAt: null }, { nextTrackAt: { lte: now } }] }],
    },
    select: { id: true, shippingAccountId: true, trackingNumber: true, trackingStatus: true, unchangedPolls: true },
    orderBy: [{ nextTrackAt: { sort: "asc", nulls: "first" } }],
    take: SHIPMENTS_PER_POLL,
  });
  const result: PollResult = { polled: 0, newEvents: 0, changed: [] };
  const byAccount = new Map<string, typeof due>();
  for (const shipment of due) byAccount.set(shipment.shippingAccountId, [...(byAccount.get(shipment.shippingAccountId) ?? []), shipment]);

  for (const [accountId, shipments] of byAccount) {
    const account = await db.shippingAccount.findFirst({ where: { id: accountId } });
    if (!account || account.status === "DISCONNECTED" || !account.credentials) {
      // Nobody can ask this carrier for us: look again much later, in case the account comes back.
      await db.shipment.updateMany({ where: { id: { in: shipments.map((s) => s.id) } }, data: { nextTrackAt: new Date(now.getTime() + MAX_POLL_DELAY_MS) } });
      continue;
    }
    const connector = connectorFor(account);
    for (let start = 0; start < shipments.length; start += connector.trackBatchSize) {
      const batch = shipments.slice(start, start + connector.trackBatchSize);
      let reports: TrackingReport[];
      try {
        reports = await connector.track(batch.map((shipment) => shipment.trackingNumber!));
      } catch (error) {
        if (error instanceof RateLimitedError || error instanceof CircuitOpenError) throw error;
        logger.warn({ err: error, accountId, carrier: account.carrier }, "tracking poll failed for a carrier account; its shipments are asked again later");
        await db.shipment.updateMany({ where: { id: { in: shipments.slice(start).map((s) => s.id) } }, data: { nextTrackAt: new Date(now.getTime() + MAX_POLL_DELAY_MS / 4) } });
        break;
      }
      const byNumber = new Map(reports.map((report) => [report.trackingNumber, report]));
      for (const shipment of batch) {
        const report = byNumber.get(shipment.trackingNumber!);
        const stored = report?.found ? await storeEvents(db, shipment.id, report.events) : 0;
        const status = (report?.found ? latestStatus(report.events) : null) ?? asStatus(shipment.trackingStatus);
        const unchangedPolls = stored > 0 ? 0 : shipment.unchangedPolls + 1;
        await db.shipment.update({ where: { id: shipment.id }, data: { trackingStatus: status, unchangedPolls, nextTrackAt: nextPollAt(now, status, unchangedPolls) } });
        result.polled += 1;
        result.newEvents += stored;
        if (stored > 0) result.changed.push(shipment.id);
      }
    }
  }
  return result;
}

/** Inserts the events not stored yet; returns how many were new. */
async function storeEvents(db: ShopDatabase, shipmentId: string, events: readonly TrackingEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await db.shipmentEvent.createMany({
    data: events.map((event) => ({
      shopId: db.$shopId(),
      shipmentId,
      key: event.key,
      status: event.status,
      occurredAt: event.occurredAt,
      location: event.location,
      carrierCode: event.carrierCode,
      description: event.description,
    })),
    skipDuplicates: true,
  });
  return count;
}
