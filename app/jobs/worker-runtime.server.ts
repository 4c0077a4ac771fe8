// Runs one BullMQ worker per queue and dispatches on job.name (BullMQ's
// named-processor pattern). Handlers receive the job's data, never the Job, so
// tests call them directly. Shutdown finishes running jobs within a grace period
// and returns the rest to the queue, so a deploy never loses or fails a job.
// A handler that must wait (a carrier's rate limit, an open circuit) throws a
// "retry later" error: the job is delayed without spending an attempt.
// A job that fails for the last time is copied to DeadLetter before BullMQ moves it to
// the failed set, and each process keeps a heartbeat key in Redis while its workers run.
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { jobTraceOf, runWithRequestContext } from "../logging/request-context.server";
import { countDeadLetter, recordJobRun, type JobOutcome } from "../metrics/record.server";
import { recordDeadLetter, type DeadLetterOutcome, type JobFailure } from "./dead-letters.server";
import { startHeartbeat, type Heartbeat, type HeartbeatOptions } from "./heartbeat.server";
import { workerOptions } from "./redis.server";
import type { QueueName } from "./queue-names";

export interface JobContext {
  jobId: string;
  attempt: number;
  /** Aborted when the worker shuts down and the grace period is over. */
  signal: AbortSignal;
}

export type JobHandler = (data: unknown, context: JobContext) => Promise<unknown>;
export type QueueHandlers = Partial<Record<QueueName, Record<string, JobHandler>>>;

export interface WorkerRuntimeOptions {
  redisUrl: string;
  prefix: string;
  handlers: QueueHandlers;
  queues: readonly QueueName[];
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal (BullMQ default 30 s). A worker that
   * dies mid-job leaves its job to be picked up again once the lock has expired.
   */
  lockDurationMs?: number;
  logger: Logger;
  /** Copies jobs that failed for the last time to DeadLetter. Default: on, in the app's database. */
  deadLetters?: false | DeadLetterOptions;
  /**
   * Names the shop of a job that carries only `data.shopId` (no trace from a request), for its
   * log lines. Default: none; the workers process passes a cached database lookup.
   */
  shopDomainOf?: (shopId: string) => Promise<string | undefined>;
  /** The liveness key in Redis (`<prefix>:workers:heartbeat:<host>-<pid>`). Default: on, 30 s TTL, every 10 s. */
  heartbeat?: false | HeartbeatOptions;
}

export interface DeadLetterOptions {
  /** Stores one dead letter; throws when it cannot (PostgreSQL down). Default: recordDeadLetter. */
  record?: (failure: JobFailure) => Promise<DeadLetterOutcome>;
  /** Pauses between the write attempts made right away (default 250 ms, 1 s). */
  retryDelaysMs?: readonly number[];
  /** After those, how long the job waits, out of the failed set, before the write is tried again (default 30 s). */
  holdMs?: number;
}

const SHUTDOWN_REASON = "worker-shutdown";

/**
 * What the runtime keeps in a job's progress (BullMQ keeps it across attempts and handlers
 * never see the job): when the job first failed, and the dead letter still to be written
 * while PostgreSQL does not answer.
 */
interface FailureNotes {
  firstFailedAt?: string;
  pendingDeadLetter?: Omit<JobFailure, "firstFailedAt" | "lastFailedAt" | "data"> & { firstFailedAt: string; lastFailedAt: string };
}

function notesOf(job: Job): FailureNotes {
  const progress = job.progress as unknown;
  if (typeof progress !== "object" || progress === null || Array.isArray(progress)) return {};
  const { firstFailedAt, pendingDeadLetter } = progress as FailureNotes;
  return {
    firstFailedAt: typeof firstFailedAt === "string" ? firstFailedAt : undefined,
    pendingDeadLetter: typeof pendingDeadLetter?.lastFailedAt === "string" ? pendingDeadLetter : undefined,
  };
}

function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof Error && error.name === "UnrecoverableError");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An error saying "not now": try the job again after `delayMs`, without spending an attempt. */
export interface RetryLaterError extends Error {
  retryLater: true;
  delayMs: number;
}

export function isRetryLater(error: unknown): error is RetryLaterError {
  if (!(error instanceof Error)) return false;
  const { retryLater, delayMs } = error as Partial<RetryLaterError>;
  return retryLater === true && typeof delayMs === "number" && Number.isFinite(delayMs) && delayMs >= 0;
}

export interface WorkerRuntime {
  workers: Worker[];
  /** The liveness key, unless the heartbeat is off. */
  heartbeat?: Heartbeat;
  /** Stops taking jobs; waits up to graceMs for running ones, then returns them to the queue. */
  stop(graceMs: number): Promise<{ returnedToQueue: number }>;
}

export function startWorkers(options: WorkerRuntimeOptions): WorkerRuntime {
  const { logger } = options;
  let returnedToQueue = 0;
  const connections: Redis[] = [];
  const deadLetters = options.deadLetters === false ? undefined : (options.deadLetters ?? {});
  const record = deadLetters?.record ?? ((failure: JobFailure) => recordDeadLetter(failure));
  const retryDelaysMs = deadLetters?.retryDelaysMs ?? [250, 1_000];
  const holdMs = deadLetters?.holdMs ?? 30_000;
  // Errors the processor saw (and dead-lettered if last); any other "failed" event is a late one.
  const handledErrors = new WeakSet<Error>();
  const lateWrites = new Set<Promise<void>>();

  /** Best effort: a lookup that fails only costs the log lines their shop. */
  const shopOfJob = async (data: unknown): Promise<string | undefined> => {
    const shopId = typeof data === "object" && data !== null ? (data as { shopId?: unknown }).shopId : undefined;
    if (typeof shopId !== "string" || !options.shopDomainOf) return undefined;
    return options.shopDomainOf(shopId).catch(() => undefined);
  };

  const workers = options.queues.map((queueName) => {
    const handlers = options.handlers[queueName] ?? {};
    // Each job runs in the request context it was enqueued from (data.trace), so its log
    // lines and the jobs it enqueues carry that request id; a job with none gets its own.
    const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
      const trace = jobTraceOf(job.data);
      const shop = trace?.shop ?? (await shopOfJob(job.data));
      const context = { requestId: trace?.requestId ?? randomUUID(), shop, job: { queue: queueName, id: job.id ?? "", name: job.name } };
      return runWithRequestContext(context, () => measured(job, token, signal));
    };

    const measured = async (job: Job, token?: string, signal?: AbortSignal) => {
      const started = performance.now();
      let outcome: JobOutcome = "failed";
      try {
        const result = await run(job, token, signal);
        outcome = "completed";
        return result;
      } catch (error) {
        if (error instanceof DelayedError) outcome = "retry_later";
        else if (error instanceof WaitingError) outcome = "returned";
        throw error;
      } finally {
        recordJobRun(queueName, outcome, (performance.now() - started) / 1000);
      }
    };

    const run = async (job: Job, token?: string, signal?: AbortSignal) => {
      // A job held back because its dead letter could not be written: write it, then fail.
      const pending = notesOf(job).pendingDeadLetter;
      if (pending) {
        const failure = { ...pending, data: job.data, firstFailedAt: new Date(pending.firstFailedAt), lastFailedAt: new Date(pending.lastFailedAt) };
        const error = new UnrecoverableError(pending.error);
        if (await writeDeadLetter(job, failure, token)) {
          await job.updateProgress({ firstFailedAt: pending.firstFailedAt }).catch(() => undefined);
          handledErrors.add(error);
        }
        throw error;
      }
      const controller = signal ?? new AbortController().signal;
      const shutdown = new Promise<never>((_, reject) => {
        controller.addEventListener("abort", () => reject(controller.reason), { once: true });
      });
      try {
        const handler = handlers[job.name];
        if (!handler) {
          throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queueName}"`);
        }
        return await Promise.race([
          handler(job.data, { jobId: job.id ?? "", attempt: job.attemptsMade + 1, signal: controller }),
          shutdown,
        ]);
      } catch (error) {
        if (controller.aborted && controller.reason === SHUTDOWN_REASON) {
          // Back to waiting without spending an attempt; handlers are idempotent.
          await job.moveToWait(token);
          returnedToQueue += 1;
          logger.warn({ queue: queueName, jobId: job.id, job: job.name }, "job returned to queue at shutdown");
          throw new WaitingError();
        }
        // Waiting is the fix (rate limit, open circuit): spending attempts on it would
        // fail jobs that only needed patience. Attempts are left for real failures.
        if (isRetryLater(error)) {
          await job.moveToDelayed(Date.now() + error.delayMs, token);
          logger.info(
            { queue: queueName, jobId: job.id, job: job.name, delayMs: error.delayMs, reason: error.message },
            "job delayed: retry later",
          );
          throw new DelayedError();
        }
        // Errors that retrying cannot fix (e.g. a shop that needs re-authentication)
        // fail the job now instead of burning its attempts.
        const thrown =
          error instanceof Error && !isUnrecoverable(error) && (error as { retryable?: boolean }).retryable === false
            ? new UnrecoverableError(error.message)
            : error;
        await onFailure(job, error, thrown, token);
        throw thrown;
      }
    };

    /** Notes the first failure; on the last one, writes the dead letter before BullMQ fails the job. */
    const onFailure = async (job: Job, error: unknown, thrown: unknown, token?: string) => {
      if (thrown instanceof Error) handledErrors.add(thrown);
      const now = new Date();
      const notes = notesOf(job);
      // Mirrors BullMQ's own decision (Job.shouldRetryJob).
      const last = isUnrecoverable(thrown) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!last) {
        if (!notes.firstFailedAt) {
          await job.updateProgress({ ...notes, firstFailedAt: now.toISOString() }).catch((err: unknown) =>
            logger.debug({ queue: queueName, jobId: job.id, err }, "first failure time not kept"),
          );
        }
        return;
      }
      const written = await writeDeadLetter(job, {
        queue: queueName,
        jobName: job.name,
        jobId: job.id ?? "",
        data: job.data,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
        attempts: job.attemptsMade + 1,
        firstFailedAt: notes.firstFailedAt ? new Date(notes.firstFailedAt) : now,
        lastFailedAt: now,
      }, token);
      // Neither PostgreSQL nor Redis answered: the "failed" event tries again once BullMQ fails the job.
      if (!written && thrown instanceof Error) handledErrors.delete(thrown);
    };

    /**
     * Writes the dead letter, retrying briefly. If PostgreSQL still does not answer, the job
     * is held back (delayed, no attempt spent) with the dead letter in its progress, so it
     * never reaches the failed set without its copy; the next pickup writes it and fails it.
     * Resolves to false when the dead letter is lost (neither it nor the hold could be written).
     */
    const writeDeadLetter = async (job: Job, failure: JobFailure, token?: string, canHold = true): Promise<boolean> => {
      if (!deadLetters) return true;
      const context = { queue: queueName, jobId: job.id, job: job.name };
      let lastError: unknown;
      for (const delay of [0, ...retryDelaysMs]) {
        if (delay > 0) await sleep(delay);
        try {
          const outcome = await record(failure);
          if (outcome.recorded) {
            countDeadLetter(queueName);
            logger.warn({ ...context, deadLetterId: outcome.id, shopId: outcome.shopId }, "job failed for the last time: dead letter kept");
          }
          else logger.error({ ...context, reason: outcome.reason, data: job.data, err: failure.error }, "job failed for the last time (no dead letter kept)");
          return true;
        } catch (error) {
          lastError = error;
        }
      }
      if (!canHold) {
        logger.error({ ...context, err: lastError, failure: failure.error }, "dead letter not written (PostgreSQL does not answer)");
        return false;
      }
      const { data: _data, ...rest } = failure;
      const pendingDeadLetter = { ...rest, firstFailedAt: failure.firstFailedAt.toISOString(), lastFailedAt: failure.lastFailedAt.toISOString() };
      try {
        await job.updateProgress({ ...notesOf(job), pendingDeadLetter });
        await job.moveToDelayed(Date.now() + holdMs, token);
      } catch (redisError) {
        logger.error({ ...context, err: lastError, redisError }, "dead letter not written: neither PostgreSQL nor Redis answered");
        return false;
      }
      logger.error({ ...context, holdMs, err: lastError }, "dead letter not written (PostgreSQL does not answer): job held back");
      throw new DelayedError();
    };

    const connection = new Redis(options.redisUrl, workerOptions);
    connections.push(connection);
    const worker = new Worker(queueName, processor, {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 5,
      ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {}),
    });
    worker.on("error", (error) => logger.error({ queue: queueName, err: error }, "worker error"));
    worker.on("failed", (job, error) => {
      logger.warn({ queue: queueName, jobId: job?.id, job: job?.name, err: error }, "job failed");
      // Failed without the processor (a job that stalled too often): kept after the fact.
      if (!job || !deadLetters || handledErrors.has(error)) return;
      const late = (async () => {
        if ((await job.getState()) !== "failed") return;
        const notes = notesOf(job);
        const lastFailedAt = new Date(job.finishedOn ?? Date.now());
        await writeDeadLetter(job, {
          queue: queueName,
          jobName: job.name,
          jobId: job.id ?? "",
          data: job.data,
          error: error.message,
          stack: error.stack,
          attempts: Math.max(job.attemptsMade, 1),
          firstFailedAt: notes.firstFailedAt ? new Date(notes.firstFailedAt) : lastFailedAt,
          lastFailedAt,
        }, undefined, false);
      })()
        .catch((err: unknown) => logger.error({ queue: queueName, jobId: job.id, err }, "dead letter not written"))
        .finally(() => lateWrites.delete(late));
      lateWrites.add(late);
    });
    return worker;
  });

  const heartbeat =
    options.heartbeat === false
      ? undefined
      : startHeartbeat({ ...options.heartbeat, redisUrl: options.redisUrl, prefix: options.prefix, workers, connections, logger });

  return {
    workers,
    heartbeat,
    async stop(graceMs) {
      // A stopping process no longer counts as a live worker.
      await heartbeat?.stop();
      const closing = Promise.all(workers.map((worker) => worker.close()));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace-over">((resolve) => {
        timer = setTimeout(() => resolve("grace-over"), graceMs);
      });
      const outcome = await Promise.race([closing.then(() => "closed" as const), graceOver]);
      clearTimeout(timer);
      if (outcome === "grace-over") {
        for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_REASON);
        await closing;
      }
      await Promise.all(lateWrites);
      await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
      return { returnedToQueue };
    },
  };
}

/** Starts the workers and stops them gracefully on SIGTERM or SIGINT. Resolves after the stop. */
export function runWorkersUntilSignal(
  options: WorkerRuntimeOptions & { graceMs: number },
): Promise<{ returnedToQueue: number }> {
  const runtime = startWorkers(options);
  options.logger.info({ queues: options.queues }, "workers started");
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      options.logger.info({ signal }, "workers stopping");
      runtime.stop(options.graceMs).then((result) => {
        options.logger.info(result, "workers stopped");
        resolve(result);
      }, reject);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
