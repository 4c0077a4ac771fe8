// Enqueues recorded events that were never processed: those recorded while Redis
// was down, or whose job was lost. The deterministic job id makes re-enqueueing an
// event whose job is still queued a no-op. Runs every minute in the inbound queue.
import { getPrisma, type Database } from "../db/prisma.server";
import { withSystemContext } from "../security/tenancy";
import { enqueueEventProcessing } from "./inbound-events.server";

export const SWEEP_JOB = "inbound.sweep-events";

export async function sweepUnprocessedEvents(
  options: { db?: Database; olderThanMs?: number; limit?: number } = {},
): Promise<{ enqueued: number }> {
  const db = options.db ?? getPrisma();
  const before = new Date(Date.now() - (options.olderThanMs ?? 30_000));
  const events = await withSystemContext("inbound-event-sweeper", () =>
    db.webhookEvent.findMany({
      where: { processedAt: null, receivedAt: { lte: before } },
      select: { id: true, shopId: true },
      orderBy: { receivedAt: "asc" },
      take: options.limit ?? 500,
    }),
  );
  for (const event of events) await enqueueEventProcessing(event.shopId, event.id);
  return { enqueued: events.length };
}
