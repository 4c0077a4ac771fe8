// One push at a time per shop, across processes: a Redis lock (SET NX PX) renewed
// between batches. Two pushes racing could land an older absolute WooCommerce level
// after a newer one; with the lock the later push always reads the later state.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// Renew and release only while we still own the lock (it may have expired and been taken).
const RENEW_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export const PUSH_LOCK_TTL_MS = 120_000;

export interface PushLock {
  /** Extends the lock; false when it was lost (expired and taken by another push). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export async function acquirePushLock(redis: Redis, prefix: string, shopId: string, ttlMs = PUSH_LOCK_TTL_MS): Promise<PushLock | null> {
  const key = `${prefix}:lock:inventory-push:${shopId}`;
  const owner = randomUUID();
  if ((await redis.set(key, owner, "PX", ttlMs, "NX")) !== "OK") return null;
  return {
    renew: async () => (await redis.eval(RENEW_IF_OWNER, 1, key, owner, String(ttlMs))) === 1,
    release: async () => {
      await redis.eval(RELEASE_IF_OWNER, 1, key, owner);
    },
  };
}

/** Another push of the shop is running: the job waits (no attempt spent) and runs after it. */
export class PushInProgressError extends Error {
  readonly retryLater = true;
  constructor(readonly delayMs: number) {
    super("another inventory push of this shop is running");
    this.name = "PushInProgressError";
  }
}

/** The lock expired mid-push (a very slow batch): stop, the next push carries on. */
export class PushLockLostError extends Error {
  readonly retryLater = true;
  readonly delayMs = 1_000;
  constructor() {
    super("the shop's push lock expired during the push");
    this.name = "PushLockLostError";
  }
}
