import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";

// Worker heartbeats in Redis and /readyz requiring them. A queue prefix of this file's
// own, so other files' workers (and their heartbeats) do not count here.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-liveness-${randomBytes(3).toString("hex")}`;
process.env.READYZ_REQUIRE_WORKERS = "1";
const prefix = process.env.QUEUE_PREFIX;
const redisUrl = process.env.REDIS_URL!;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  redis: await import("~/jobs/redis.server"),
  heartbeat: await import("~/jobs/heartbeat.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  readiness: await import("~/health/readiness.server"),
  readyz: await import("~/routes/readyz"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let redis: Redis;

beforeAll(async () => {
  app = await loadApp();
  redis = new Redis(redisUrl);
});

afterAll(async () => {
  redis.disconnect();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met in time");
}

function start(): WorkerRuntime {
  return app.runtime.startWorkers({
    redisUrl,
    prefix,
    queues: ["fulfillment", "inventory"],
    handlers: {},
    logger: pino({ level: "silent" }),
    deadLetters: false,
    heartbeat: { ttlMs: 2_000, intervalMs: 100 },
  });
}

async function readyz() {
  const response = await app.readyz.loader();
  return { status: response.status, body: (await response.json()) as { status: string; failed: string[]; checks: Record<string, { ok: boolean; error?: string }> } };
}

describe("worker heartbeat", () => {
  it("is in Redis, with a TTL, while the workers run, and gone after they stop", async () => {
    const key = app.heartbeat.heartbeatKey(prefix);
    expect(key).toBe(`${prefix}:workers:heartbeat:${app.heartbeat.workerProcessName()}`);
    expect(app.heartbeat.workerProcessName()).toMatch(new RegExp(`-${process.pid}$`));
    expect(await redis.exists(key)).toBe(0);

    const runtime = start();
    await waitFor(async () => (await redis.exists(key)) === 1);
    expect(runtime.heartbeat?.key).toBe(key);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ pid: process.pid, queues: ["fulfillment", "inventory"] });
    expect(await app.heartbeat.countLiveWorkers(redis, prefix)).toBe(1);

    await runtime.stop(1_000);
    expect(await redis.exists(key)).toBe(0);
    expect(await app.heartbeat.countLiveWorkers(redis, prefix)).toBe(0);
  });

  it("stops when one of the process's workers is closed", async () => {
    const key = app.heartbeat.heartbeatKey(prefix);
    const runtime = start();
    try {
      await waitFor(async () => (await redis.exists(key)) === 1);
      await runtime.workers[1].close();
      await waitFor(async () => (await redis.exists(key)) === 0, 2_000);
      // And is not written again while that worker is down.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await redis.exists(key)).toBe(0);
      expect(await runtime.heartbeat!.beat()).toBe(false);
    } finally {
      await runtime.stop(1_000);
    }
  });
});

describe("GET /readyz with READYZ_REQUIRE_WORKERS=1", () => {
  it("is 503 naming workers while no worker heartbeat exists, 200 while one runs", async () => {
    const missing = await readyz();
    expect(missing.status).toBe(503);
    expect(missing.body.failed).toEqual(["workers"]);
    expect(missing.body.checks.workers).toEqual({ ok: false, error: expect.stringContaining("no live worker") });
    expect(missing.body.checks.database.ok).toBe(true);
    expect(missing.body.checks.redis.ok).toBe(true);

    const runtime = start();
    try {
      await waitFor(async () => (await redis.exists(app.heartbeat.heartbeatKey(prefix))) === 1);
      const live = await readyz();
      expect(live.status).toBe(200);
      expect(live.body.failed).toEqual([]);
      expect(live.body.checks.workers.ok).toBe(true);
    } finally {
      await runtime.stop(1_000);
    }
    expect((await readyz()).body.failed).toEqual(["workers"]);
  });

  it("does not check workers when they are not required (the default)", async () => {
    const readiness = await app.readiness.checkReadiness({ db: app.db.getPrisma(), redis: app.redis.getProducerRedis(), workers: false });
    expect(readiness.ready).toBe(true);
    expect(Object.keys(readiness.checks)).toEqual(["database", "redis"]);
  });
});
