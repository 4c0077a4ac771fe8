// Redis connections for the queues. Producers (web requests) fail fast when Redis
// is down instead of hanging a request; workers wait and reconnect.
import { Redis, type RedisOptions } from "ioredis";
import { ConfigError, getConfig } from "../config/env.server";

export function redisUrl(): string {
  const url = getConfig().REDIS_URL;
  if (!url) {
    throw new ConfigError([
      "REDIS_URL is missing: this command needs a shared Redis. Set REDIS_URL, or use `npm run demo`, which starts a private redis-server",
    ]);
  }
  return url;
}

/** Options for producers and health checks: no offline queue, one retry per command. */
export const producerOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
};

/** Options for workers: BullMQ needs unlimited retries per request on blocking connections. */
export const workerOptions: RedisOptions = {
  maxRetriesPerRequest: null,
  // ioredis' default backoff, capped lower so a worker resumes soon after Redis returns.
  retryStrategy: (times) => Math.min(1_000 * times, 5_000),
};

const globalForRedis = globalThis as unknown as { __rappitRedis?: Redis };

/** The shared producer connection of this process. */
export function getProducerRedis(): Redis {
  if (!globalForRedis.__rappitRedis) {
    const connection = new Redis(redisUrl(), producerOptions);
    // Connection errors surface on the commands that need Redis; do not crash the process.
    connection.on("error", () => undefined);
    globalForRedis.__rappitRedis = connection;
  }
  return globalForRedis.__rappitRedis;
}

export async function closeProducerRedis(): Promise<void> {
  const connection = globalForRedis.__rappitRedis;
  globalForRedis.__rappitRedis = undefined;
  if (connection) await connection.quit().catch(() => connection.disconnect());
}

/**
 * Resolves once the connection is ready, or rejects at the first connection error or
 * after `timeoutMs`. A producer connection has no offline queue, so its first command
 * must wait for the initial connect, and a caller must not wait on an outage.
 */
export async function whenConnected(connection: Redis, timeoutMs = 2_000): Promise<void> {
  if (connection.status === "ready") return;
  if (connection.status === "wait") connection.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      connection.off("ready", onReady);
      connection.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: Error) => done(error);
    const timer = setTimeout(() => done(new Error(`Redis not connected within ${timeoutMs} ms`)), timeoutMs);
    connection.on("ready", onReady);
    connection.on("error", onError);
  });
}
