// What the Jobs page shows. BullMQ's counts are global (every shop's jobs share the
// queues), so they are shown as queue health, labelled as such; the shop's own numbers
// come from PostgreSQL: its open dead letters per queue, and the dead letters themselves.
import { z } from "zod";
import { cursorFromParams, type Cursor } from "../db/keyset-pagination";
import type { ShopDatabase } from "../db/prisma.server";
import { countOpenDeadLetters, DEAD_LETTER_STATUSES, type DeadLetterStatus } from "./dead-letters.server";
import { QUEUE_NAMES, type QueueName } from "./queue-names";
import { getQueue } from "./queues.server";
import { getProducerRedis, whenConnected } from "./redis.server";

export const JOB_STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOBS_PAGE_SIZE = 25;
const COUNTS_TIMEOUT_MS = 2_000;

export interface QueueRow {
  queue: QueueName;
  /** All shops together, from BullMQ; null when Redis does not answer. */
  global: Record<JobState, number> | null;
  /** This shop's open dead letters on the queue. */
  openDeadLetters: number;
}

export interface JobsOverview {
  queues: QueueRow[];
  /** Why the global counts are missing, if they are. */
  queuesUnavailable: string | null;
}

/** Every queue's job counts by state, across all shops. Throws when Redis does not answer in time. */
export async function globalQueueCounts(): Promise<Record<QueueName, Record<JobState, number>>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${COUNTS_TIMEOUT_MS} ms`)), COUNTS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        await whenConnected(getProducerRedis(), 1_000);
        const counts = await Promise.all(QUEUE_NAMES.map((name) => getQueue(name).getJobCounts(...JOB_STATES)));
        return Object.fromEntries(
          QUEUE_NAMES.map((name, index) => [name, Object.fromEntries(JOB_STATES.map((state) => [state, counts[index][state] ?? 0]))]),
        ) as Record<QueueName, Record<JobState, number>>;
      })(),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The per-queue table of the Jobs page: global health next to the shop's open dead letters. */
export async function jobsOverview(db: ShopDatabase): Promise<JobsOverview> {
  const [global, open] = await Promise.all([
    globalQueueCounts().then(
      (counts) => ({ counts, error: null }),
      (error: unknown) => ({ counts: null, error: error instanceof Error ? error.message : String(error) }),
    ),
    countOpenDeadLetters(db),
  ]);
  return {
    queues: QUEUE_NAMES.map((queue) => ({ queue, global: global.counts?.[queue] ?? null, openDeadLetters: open[queue] ?? 0 })),
    queuesUnavailable: global.error,
  };
}

export class InvalidJobsQueryError extends Error {
  readonly status = 400;
}

export interface JobsQuery {
  status: DeadLetterStatus;
  cursor?: Cursor;
  limit: number;
}

const statusSchema = z.enum(DEAD_LETTER_STATUSES).default("OPEN");

/** `?status=OPEN|RETRIED|DISCARDED` (default OPEN) and the page cursor; throws a 400 error on bad input. */
export function parseJobsQuery(params: URLSearchParams): JobsQuery {
  const status = statusSchema.safeParse(params.get("status") || undefined);
  if (!status.success) {
    throw new InvalidJobsQueryError(`Unknown status filter. Choose one of: ${DEAD_LETTER_STATUSES.join(", ")}.`);
  }
  return { status: status.data, cursor: cursorFromParams(params), limit: JOBS_PAGE_SIZE };
}
