// Every inbound webhook is recorded once, by its provider ids, before any work;
// then a job is enqueued to process it. If Redis is down the event stays
// recorded and unprocessed, and the sweeper enqueues it later: nothing is lost.
import { randomUUID } from "node:crypto";
import { type Prisma } from "@prisma/client";
import type { Logger } from "pino";
import { forShop, type Database } from "../db/prisma.server";
import { QueueUnavailableError, enqueue } from "../jobs/queues.server";

export interface InboundEvent {
  provider: "SHOPIFY" | "WOOCOMMERCE" | "WHATSAPP";
  shopDomain: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  triggeredAt?: Date;
  payload: unknown;
}

export type RecordOutcome = "recorded" | "duplicate" | "unknown-shop";

export const PROCESS_EVENT_JOB = "inbound.process-event";

/** The deterministic job id of an event's processing: enqueueing twice is a no-op. */
export const processJobId = (eventRowId: string) => `event-${eventRowId}`;

export async function enqueueEventProcessing(shopId: string, eventRowId: string): Promise<void> {
  await enqueue({
    queue: "inbound",
    name: PROCESS_EVENT_JOB,
    data: { shopId, eventRowId },
    jobId: processJobId(eventRowId),
  });
}

export async function recordAndEnqueue(
  db: Database,
  event: InboundEvent,
  logger: Logger,
): Promise<{ outcome: RecordOutcome; enqueued: boolean }> {
  const shop = await db.shop.findUnique({ where: { domain: event.shopDomain }, select: { id: true, redactedAt: true } });
  // A redacted shop keeps no data: nothing new is stored until it installs again.
  if (!shop || shop.redactedAt) return { outcome: "unknown-shop", enqueued: false };

  const id = randomUUID();
  // ON CONFLICT DO NOTHING on (provider, webhookId) and (provider, topic, eventId).
  const { count } = await forShop(shop.id, db).webhookEvent.createMany({
    data: [
      {
        id,
        shopId: shop.id,
        provider: event.provider,
        topic: event.topic,
        webhookId: event.webhookId,
        eventId: event.eventId ?? null,
        triggeredAt: event.triggeredAt ?? null,
        payload: event.payload as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0) return { outcome: "duplicate", enqueued: false };

  try {
    await enqueueEventProcessing(shop.id, id);
    return { outcome: "recorded", enqueued: true };
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shop: event.shopDomain, topic: event.topic, eventRowId: id }, "queue unavailable: event left for the sweeper");
    return { outcome: "recorded", enqueued: false };
  }
}
