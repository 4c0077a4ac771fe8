// Runs one BullMQ worker per queue and dispatches on job.name (BullMQ's
// named-processor pattern). Handlers receive the job's data, never the Job, so
// tests call them directly. Shutdown finishes running jobs within a grace period
// and returns the rest to the queue, so a deploy never loses or fails a job.
// A handler that must wait (a carrier's rate limit, an open circuit) throws a
// "retry later" error: the job is delayed without spending an attempt.
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
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
  logger: Logger;
}

const SHUTDOWN_REASON = "worker-shutdown";

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
  /** Stops taking jobs; waits up to graceMs for running ones, then returns them to the queue. */
  stop(graceMs: number): Promise<{ returnedToQueue: number }>;
}

export function startWorkers(options: WorkerRuntimeOptions): WorkerRuntime {
  const { logger } = options;
  let returnedToQueue = 0;
  const connections: Redis[] = [];

  const workers = options.queues.map((queueName) => {
    const handlers = options.handlers[queueName] ?? {};
    const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
      const handler = handlers[job.name];
      if (!handler) {
        throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queueName}"`);
      }
      const controller = signal ?? new AbortController().signal;
      const shutdown = new Promise<never>((_, reject) => {
        controller.addEventListener("abort", () => reject(controller.reason), { once: true });
      });
      try {
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
        if (error instanceof Error && (error as { retryable?: boolean }).retryable === false) {
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }
    };

    const connection = new Redis(options.redisUrl, workerOptions);
    connections.push(connection);
    const worker = new Worker(queueName, processor, {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 5,
    });
    worker.on("error", (error) => logger.error({ queue: queueName, err: error }, "worker error"));
    worker.on("failed", (job, error) =>
      logger.warn({ queue: queueName, jobId: job?.id, job: job?.name, err: error }, "job failed"),
    );
    return worker;
  });

  return {
    workers,
    async stop(graceMs) {
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
