// Dead letters: a copy, in PostgreSQL, of each job that failed for the last time
// (attempts exhausted, or an error retrying cannot fix), kept per shop so the merchant
// can see it on the Jobs page and retry or discard it. The worker runtime writes the
// copy before the job enters BullMQ's failed set (see worker-runtime.server.ts).
// Payload, error and stack pass through the redaction first: no secret lands here.
import type { Prisma } from "@prisma/client";
import type { Job, JobsOptions } from "bullmq";
import { getConfig } from "../config/env.server";
import { keysetPage, type Cursor, type Page } from "../db/keyset-pagination";
import { forShop, getPrisma, type Database, type ShopDatabase } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { recordAudit, type Actor } from "../security/audit.server";
import { REDACTED, redactSecrets, redactText } from "../security/redaction";
import { QUEUE_NAMES, type QueueName } from "./queue-names";
import { QueueUnavailableError, enqueue, getQueue } from "./queues.server";
import { getProducerRedis, whenConnected } from "./redis.server";

const logger = loggerFor("dead-letters");

export const DEAD_LETTER_STATUSES = ["OPEN", "RETRIED", "DISCARDED"] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ERROR_CHARS = 4_000;
const MAX_STACK_CHARS = 16_000;

/** A job's last failure, as the worker runtime saw it. */
export interface JobFailure {
  queue: string;
  jobName: string;
  jobId: string;
  /** The job's data as enqueued; redacted before it is stored. */
  data: unknown;
  error: string;
  stack?: string;
  /** Attempts made, the failed last one included. */
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

export type DeadLetterOutcome = { recorded: true; id: string; shopId: string } | { recorded: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Stores the dead letter of a failure, once: the (queue, job id, last failure) unique
 * index makes a repeated write a no-op. A job that names no existing shop (`data.shopId`)
 * is not stored (the caller logs it). Throws when PostgreSQL does not answer.
 */
export async function recordDeadLetter(failure: JobFailure, database?: Database): Promise<DeadLetterOutcome> {
  const data = isRecord(failure.data) ? failure.data : {};
  const shopId = typeof data.shopId === "string" && UUID.test(data.shopId) ? data.shopId : undefined;
  if (!shopId) return { recorded: false, reason: "the job names no shop (data.shopId)" };
  if (!database && !getConfig().DATABASE_URL) return { recorded: false, reason: "no database is configured" };
  const global = database ?? getPrisma();
  const shop = await global.shop.findUnique({ where: { id: shopId }, select: { id: true } });
  if (!shop) return { recorded: false, reason: `shop ${shopId} does not exist` };

  const db = forShop(shopId, global);
  const orderId =
    typeof data.orderId === "string" && UUID.test(data.orderId)
      ? ((await db.order.findFirst({ where: { id: data.orderId }, select: { id: true } }))?.id ?? null)
      : null;
  const key = { queue: failure.queue, jobId: failure.jobId, lastFailedAt: failure.lastFailedAt };
  const [created] = await db.deadLetter.createManyAndReturn({
    data: [
      {
        shopId,
        ...key,
        jobName: failure.jobName,
        // JSON round trip: what is stored is plain data, as the job carried it.
        payload: JSON.parse(JSON.stringify(redactSecrets(failure.data ?? {}))) as Prisma.InputJsonValue,
        error: clip(redactText(failure.error), MAX_ERROR_CHARS),
        stack: failure.stack ? clip(redactText(failure.stack), MAX_STACK_CHARS) : null,
        attempts: failure.attempts,
        firstFailedAt: failure.firstFailedAt,
        orderId,
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  const id = created?.id ?? (await db.deadLetter.findFirstOrThrow({ where: key, select: { id: true } })).id;
  return { recorded: true, id, shopId };
}

export interface DeadLetterRecord {
  id: string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
  error: string;
  stack: string | null;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  orderId: string | null;
  status: string;
  resolvedAt: Date | null;
  createdAt: Date;
}

export interface DeadLetterQuery {
  /** Default: every status. */
  status?: DeadLetterStatus;
  cursor?: Cursor;
  /** Default 25. */
  limit?: number;
}

/** The shop's dead letters, newest first, keyset-paginated on createdAt. */
export function listDeadLetters(db: ShopDatabase, query: DeadLetterQuery = {}): Promise<Page<DeadLetterRecord>> {
  return keysetPage<DeadLetterRecord>({
    field: "createdAt",
    timeOf: (row) => row.createdAt,
    filter: query.status ? { status: query.status } : {},
    cursor: query.cursor,
    limit: query.limit ?? 25,
    find: (args) => db.deadLetter.findMany({ ...args, omit: { shopId: true } }),
    count: (args) => db.deadLetter.count(args),
  });
}

/** The shop's open dead letters per queue. */
export async function countOpenDeadLetters(db: ShopDatabase): Promise<Record<string, number>> {
  const groups = await db.deadLetter.groupBy({ by: ["queue"], where: { status: "OPEN" }, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.queue, group._count._all]));
}

/** 404: no open dead letter with this id in the caller's shop. */
export class DeadLetterNotFoundError extends Error {
  readonly status = 404;
  constructor(id: string) {
    super(`No open dead letter "${id}" in this shop: it may have been retried or discarded already.`);
    this.name = "DeadLetterNotFoundError";
  }
}

/** 409: the dead letter cannot be re-enqueued as it was. */
export class DeadLetterNotRetryableError extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = "DeadLetterNotRetryableError";
  }
}

async function findOpen(db: ShopDatabase, id: string): Promise<DeadLetterRecord> {
  if (!UUID.test(id)) throw new DeadLetterNotFoundError(id);
  const row = await db.deadLetter.findFirst({ where: { id, status: "OPEN" }, omit: { shopId: true } });
  if (!row) throw new DeadLetterNotFoundError(id);
  return row;
}

async function connectedQueue(name: QueueName) {
  try {
    await whenConnected(getProducerRedis(), 1_000);
  } catch (error) {
    throw new QueueUnavailableError(name, error);
  }
  return getQueue(name);
}

function ownJob(job: Job | undefined, shopId: string): job is Job {
  return job !== undefined && isRecord(job.data) && job.data.shopId === shopId;
}

function containsRedacted(value: unknown): boolean {
  if (value === REDACTED) return true;
  if (Array.isArray(value)) return value.some(containsRedacted);
  return isRecord(value) && Object.values(value).some(containsRedacted);
}

/** `<job id>-r<n>`, the first n whose id is free; ids never contain ":" (BullMQ's separator). */
async function retryJobId(name: QueueName, jobId: string): Promise<string> {
  const safe = jobId.replace(/:/g, "-");
  const earlier = /^(.*)-r(\d+)$/.exec(safe);
  const [base, first] = earlier ? [earlier[1], Number(earlier[2]) + 1] : [safe, 1];
  const queue = getQueue(name);
  for (let n = first; n < first + 100; n++) {
    const candidate = `${base}-r${n}`;
    if (!(await queue.getJob(candidate))) return candidate;
  }
  throw new DeadLetterNotRetryableError(`No free retry id for job "${jobId}"`);
}

/** Removes the job's failed copy from Redis, if it is still there and still failed. Best effort. */
async function removeFailedJob(queueName: string, jobId: string, shopId: string): Promise<boolean> {
  if (!isQueueName(queueName)) return false;
  try {
    const job = await (await connectedQueue(queueName)).getJob(jobId);
    if (!ownJob(job, shopId) || (await job.getState()) !== "failed") return false;
    await job.remove();
    return true;
  } catch (error) {
    logger.warn({ queue: queueName, jobId, err: error }, "failed job not removed from Redis; it expires with the failed-job retention");
    return false;
  }
}

export interface RetryResult {
  deadLetter: DeadLetterRecord;
  /** The id of the new job. */
  jobId: string;
}

/**
 * Enqueues the job again (same queue, name and payload, a fresh attempt budget) under a new
 * id, marks the dead letter RETRIED and audits JOB_REPLAYED. The payload is the failed job's
 * own data while Redis still keeps it (failed jobs are kept 14 days), else the stored copy,
 * unless redaction removed something from it. Only an OPEN dead letter of the caller's shop.
 */
export async function retryDeadLetter(db: ShopDatabase, id: string, actor: Actor): Promise<RetryResult> {
  const row = await findOpen(db, id);
  if (!isQueueName(row.queue)) throw new DeadLetterNotRetryableError(`Unknown queue "${row.queue}"`);
  const queueName = row.queue;
  const queue = await connectedQueue(queueName);
  const failed = await queue.getJob(row.jobId);
  const original = ownJob(failed, db.$shopId()) ? failed : undefined;
  if (!original && containsRedacted(row.payload)) {
    throw new DeadLetterNotRetryableError(
      "The failed job is no longer kept in Redis and its stored payload had secrets removed, so it cannot be re-enqueued as it was.",
    );
  }
  const data = (original?.data ?? row.payload) as Record<string, unknown>;
  const options: Omit<JobsOptions, "jobId"> = {};
  if (original?.opts.attempts) options.attempts = original.opts.attempts;
  if (original?.opts.backoff !== undefined) options.backoff = original.opts.backoff;
  const newJobId = await retryJobId(queueName, row.jobId);

  const deadLetter = await db.$transaction(async (tx) => {
    const claimed = await tx.deadLetter.updateMany({ where: { id, status: "OPEN" }, data: { status: "RETRIED", resolvedAt: new Date() } });
    if (claimed.count === 0) throw new DeadLetterNotFoundError(id);
    await recordAudit(tx, {
      actor,
      action: "JOB_REPLAYED",
      subject: { type: "DeadLetter", id },
      before: { status: "OPEN", jobId: row.jobId },
      after: { status: "RETRIED", queue: queueName, job: row.jobName, jobId: newJobId },
    });
    // Last: if Redis refuses the job, the transaction rolls back and the row stays OPEN.
    await enqueue({ queue: queueName, name: row.jobName, data, jobId: newJobId, options });
    return tx.deadLetter.findFirstOrThrow({ where: { id }, omit: { shopId: true } });
  });
  await removeFailedJob(queueName, row.jobId, db.$shopId());
  logger.info({ queue: queueName, jobId: row.jobId, newJobId, deadLetterId: id }, "dead letter retried");
  return { deadLetter, jobId: newJobId };
}

/** Marks an OPEN dead letter of the caller's shop DISCARDED, audits it, and drops the failed job from Redis. */
export async function discardDeadLetter(
  db: ShopDatabase,
  id: string,
  actor: Actor,
): Promise<{ deadLetter: DeadLetterRecord; removedFromRedis: boolean }> {
  const row = await findOpen(db, id);
  const deadLetter = await db.$transaction(async (tx) => {
    const claimed = await tx.deadLetter.updateMany({ where: { id, status: "OPEN" }, data: { status: "DISCARDED", resolvedAt: new Date() } });
    if (claimed.count === 0) throw new DeadLetterNotFoundError(id);
    await recordAudit(tx, {
      actor,
      action: "JOB_DISCARDED",
      subject: { type: "DeadLetter", id },
      before: { status: "OPEN" },
      after: { status: "DISCARDED", queue: row.queue, job: row.jobName, jobId: row.jobId },
    });
    return tx.deadLetter.findFirstOrThrow({ where: { id }, omit: { shopId: true } });
  });
  const removedFromRedis = await removeFailedJob(row.queue, row.jobId, db.$shopId());
  return { deadLetter, removedFromRedis };
}
