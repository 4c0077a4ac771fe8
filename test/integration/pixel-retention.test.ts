import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { jobHandlers } from "~/jobs/job-handlers.server";
import { closeQueues } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import { PURGE_EVENTS_JOB } from "~/pixel/job-names";
import { purgeExpiredPixelEvents } from "~/pixel/retention.server";
import { buildShop } from "../factories/shop.factory";

afterAll(async () => {
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

const DAY = 24 * 60 * 60 * 1000;

async function eventsAged(shopId: string, days: number[]) {
  const now = Date.now();
  await forShop(shopId).pixelEvent.createMany({
    data: days.map((age) => ({
      shopId,
      eventId: `${age}-${randomUUID()}`,
      name: "checkout_completed",
      // The browser's timestamp says nothing about retention: receivedAt counts.
      occurredAt: new Date(now),
      receivedAt: new Date(now - age * DAY),
      data: {},
    })),
  });
}

const remaining = async (shopId: string) =>
  (await forShop(shopId).pixelEvent.findMany({ select: { eventId: true } })).map((row) => Number(row.eventId.split("-")[0])).sort((a, b) => a - b);

describe("pixel event retention", () => {
  it("deletes events older than 30 days in every shop, in batches, and keeps recent ones", async () => {
    const a = await buildShop();
    const b = await buildShop();
    await eventsAged(a.id, [31, 45, 90, 29, 1, 0]);
    await eventsAged(b.id, [30.01, 31, 31, 31, 31, 29.9]);

    const result = await purgeExpiredPixelEvents({ batchSize: 2 });
    expect(result.deleted).toBeGreaterThanOrEqual(8); // other test files' shops may have old rows too
    expect(await remaining(a.id)).toEqual([0, 1, 29]);
    expect(await remaining(b.id)).toEqual([29.9]);

    // Nothing left to do: a second run deletes none of these shops' rows.
    await purgeExpiredPixelEvents();
    expect(await remaining(a.id)).toEqual([0, 1, 29]);
  });

  it("is the sync queue's pixel.purge-events job", async () => {
    // (The daily scheduler is registered by ensureSchedules; not called here: it would add
    // sweep jobs to the run's shared queues that other test files count.)
    expect(PURGE_EVENTS_JOB).toBe("pixel.purge-events");
    expect(jobHandlers.sync?.[PURGE_EVENTS_JOB]).toBeTypeOf("function");
    const a = await buildShop();
    await eventsAged(a.id, [40, 2]);
    await jobHandlers.sync![PURGE_EVENTS_JOB]({}, { jobId: "purge-test", attempt: 1, signal: new AbortController().signal });
    expect(await remaining(a.id)).toEqual([2]);
  });
});
