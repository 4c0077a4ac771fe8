// The BullMQ queues, created once per process on the shared producer connection.
import { Queue, type DefaultJobOptions, type JobsOptions } from "bullmq";
import { getConfig } from "../config/env.server";
import { TRACE_KEY, currentJobTrace } from "../logging/request-context.server";
import { QUEUE_NAMES, type QueueName } from "./queue-names";
import { getProducerRedis, whenConnected } from "./redis.server";

export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  // Bounded history so Redis does not grow without end; failures are kept longer.
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 10_000, age: 14 * 24 * 3600 },
};

/**
 * The job options of one queue: the defaults above, with the attempts and backoff that
 * QUEUE_RETRY sets for that queue. A job that fails its last attempt becomes a dead letter.
 */
export function jobOptionsFor(name: QueueName, retry = getConfig().QUEUE_RETRY): DefaultJobOptions {
  const policy = retry?.[name];
  if (!policy) return defaultJobOptions;
  const backoff = defaultJobOptions.backoff as { type: "exponential" | "fixed"; delay: number };
  return {
    ...defaultJobOptions,
    attempts: policy.attempts ?? defaultJobOptions.attempts,
    backoff: { type: policy.backoff ?? backoff.type, delay: policy.backoffMs ?? backoff.delay },
  };
}

const globalForQueues = globalThis as unknown as { __rappitQueues?: Map<QueueName, Queue> };

export function getQueue(name: QueueName): Queue {
  const queues = (globalForQueues.__rappitQueues ??= new Map());
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      connection: getProducerRedis(),
      prefix: getConfig().QUEUE_PREFIX,
      defaultJobOptions: jobOptionsFor(name),
    });
    queue.on("error", () => undefined); // surfaced on add(); never crash the web process
    queues.set(name, queue);
  }
  return queue;
}

export function allQueues(): Queue[] {
  return QUEUE_NAMES.map(getQueue);
}

export async function closeQueues(): Promise<void> {
  const queues = globalForQueues.__rappitQueues;
  globalForQueues.__rappitQueues = undefined;
  if (queues) await Promise.all([...queues.values()].map((queue) => queue.close()));
}

export class QueueUnavailableError extends Error {
  constructor(queue: QueueName, cause: unknown) {
    super(`Queue "${queue}" is unavailable: Redis does not answer (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = "QueueUnavailableError";
  }
}

export class InvalidJobIdError extends Error {
  constructor(jobId: string) {
    super(`Job id "${jobId}" is not allowed: BullMQ ids must not contain ":" or be all digits`);
    this.name = "InvalidJobIdError";
  }
}

export interface EnqueueRequest {
  queue: QueueName;
  name: string;
  data: Record<string, unknown>;
  /** Deterministic, so enqueueing the same work twice is a no-op (e.g. `fulfill-<orderId>`). */
  jobId: string;
  options?: Omit<JobsOptions, "jobId">;
}

/**
 * Adds a job, failing within about a second when Redis is down: a BullMQ Queue would
 * otherwise wait for the connection forever and hang the request that enqueues.
 * The current request's id and shop go along in `data.trace`, so the job logs under them.
 */
export async function enqueue(request: EnqueueRequest): Promise<void> {
  if (request.jobId.includes(":") || /^\d+$/.test(request.jobId)) throw new InvalidJobIdError(request.jobId);
  try {
    await whenConnected(getProducerRedis(), 1_000);
  } catch (error) {
    throw new QueueUnavailableError(request.queue, error);
  }
  const trace = currentJobTrace();
  const data = trace ? { ...request.data, [TRACE_KEY]: trace } : request.data;
  await getQueue(request.queue).add(request.name, data, { ...request.options, jobId: request.jobId });
}
