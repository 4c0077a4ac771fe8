// Worker liveness. Each worker process keeps `<QUEUE_PREFIX>:workers:heartbeat:<host>-<pid>`
// in Redis with a TTL, refreshed while its BullMQ workers run. It stops refreshing (and
// deletes the key) when a worker is closing or has stopped, or when a worker's connection
// has been down for longer than the TTL; the key then expires, so /readyz can tell that no
// worker consumes the queues. A sorted set indexes the keys so that check needs no SCAN.
import { hostname } from "node:os";
import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { workerOptions } from "./redis.server";

export const HEARTBEAT_TTL_MS = 30_000;
export const HEARTBEAT_INTERVAL_MS = 10_000;

export interface HeartbeatOptions {
  /** How long a heartbeat key lives without a refresh (default 30 s). */
  ttlMs?: number;
  /** How often it is refreshed (default 10 s). */
  intervalMs?: number;
}

/** This process's name in the heartbeat keys: `<hostname>-<pid>`. */
export function workerProcessName(): string {
  return `${hostname()}-${process.pid}`;
}

export function heartbeatKey(prefix: string, name = workerProcessName()): string {
  return `${prefix}:workers:heartbeat:${name}`;
}

/** Sorted set of process names, scored by when their heartbeat expires. */
export function heartbeatIndexKey(prefix: string): string {
  return `${prefix}:workers:heartbeats`;
}

/** How many worker processes have a live heartbeat key under `prefix`. */
export async function countLiveWorkers(redis: Redis, prefix: string): Promise<number> {
  const names = await redis.zrangebyscore(heartbeatIndexKey(prefix), Date.now(), "+inf", "LIMIT", 0, 50);
  if (names.length === 0) return 0;
  return redis.exists(...names.map((name) => heartbeatKey(prefix, name)));
}

export interface Heartbeat {
  readonly key: string;
  /** Writes the key now if the workers are live, else deletes it. Resolves to whether it wrote. */
  beat(): Promise<boolean>;
  /** Stops refreshing and deletes the key. */
  stop(): Promise<void>;
}

export interface HeartbeatTarget extends HeartbeatOptions {
  redisUrl: string;
  prefix: string;
  /** The workers whose liveness the key stands for. */
  workers: readonly Worker[];
  /** Their Redis connections: one down for longer than the TTL ends the heartbeat. */
  connections: readonly Redis[];
  logger: Logger;
}

export function startHeartbeat(target: HeartbeatTarget): Heartbeat {
  const ttlMs = target.ttlMs ?? HEARTBEAT_TTL_MS;
  const intervalMs = target.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const name = workerProcessName();
  const key = heartbeatKey(target.prefix, name);
  const index = heartbeatIndexKey(target.prefix);
  const startedAt = new Date().toISOString();
  const queues = target.workers.map((worker) => worker.name);

  // When each worker connection was last seen going down (absent: connected).
  const downSince = new Map<Redis, number>();
  for (const connection of target.connections) {
    if (connection.status !== "ready") downSince.set(connection, Date.now());
    connection.on("ready", () => downSince.delete(connection));
    connection.on("close", () => {
      if (!downSince.has(connection)) downSince.set(connection, Date.now());
    });
  }

  // Its own connection, failing fast: a beat that cannot be written is simply skipped.
  const redis = new Redis(target.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: workerOptions.retryStrategy,
  });
  redis.on("error", () => undefined);

  let stopped = false;
  let live = false;
  let inFlight: Promise<boolean> | undefined;

  const deadReason = (): string | undefined => {
    for (const worker of target.workers) {
      if (worker.closing) return `worker ${worker.name} is closing`;
      if (!worker.isRunning()) return `worker ${worker.name} is not running`;
    }
    const now = Date.now();
    for (const since of downSince.values()) {
      if (now - since > ttlMs) return `a worker has been disconnected from Redis for ${Math.round((now - since) / 1000)} s`;
    }
    return undefined;
  };

  const clear = async () => {
    await redis.multi().del(key).zrem(index, name).exec();
  };

  const write = async (): Promise<boolean> => {
    const reason = stopped ? "stopped" : deadReason();
    if (reason) {
      if (live) target.logger.warn({ key, reason }, "worker heartbeat stopped");
      live = false;
      await clear().catch(() => undefined);
      return false;
    }
    const now = Date.now();
    await redis
      .multi()
      .set(key, JSON.stringify({ host: hostname(), pid: process.pid, queues, startedAt, at: new Date(now).toISOString() }), "PX", ttlMs)
      .zadd(index, now + ttlMs, name)
      .zremrangebyscore(index, "-inf", now)
      .pexpire(index, ttlMs)
      .exec();
    if (!live) target.logger.info({ key }, "worker heartbeat live");
    live = true;
    return true;
  };

  const beat = (): Promise<boolean> => {
    // One write at a time; a beat during an outage fails fast and the next one retries.
    inFlight ??= write()
      .catch(() => false)
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  redis.on("ready", () => void beat());
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();

  return {
    key,
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      live = false;
      await clear().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
