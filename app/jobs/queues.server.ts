// The BullMQ queues, created once per process on the shared producer connection.
import { Queue, type DefaultJobOptions } from "bullmq";
import { getConfig } from "../config/env.server";
import { QUEUE_NAMES, type QueueName } from "./queue-names";
import { getProducerRedis } from "./redis.server";

export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  // Bounded history so Redis does not grow without end; failures are kept longer.
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 10_000, age: 14 * 24 * 3600 },
};

const globalForQueues = globalThis as unknown as { __rappitQueues?: Map<QueueName, Queue> };

export function getQueue(name: QueueName): Queue {
  const queues = (globalForQueues.__rappitQueues ??= new Map());
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      connection: getProducerRedis(),
      prefix: getConfig().QUEUE_PREFIX,
      defaultJobOptions,
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
