import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "~/jobs/local-redis.server";

// This file's process points REDIS_URL at a port where nothing listens, so the
// real /readyz route sees Redis down while PostgreSQL is up.
const liveRedisUrl = process.env.REDIS_URL!;
let deadRedisUrl: string;

beforeAll(async () => {
  deadRedisUrl = `redis://127.0.0.1:${await freePort()}`;
  process.env.REDIS_URL = deadRedisUrl;
});

afterAll(async () => {
  await (await import("~/jobs/redis.server")).closeProducerRedis();
  await (await import("~/db/prisma.server")).disconnectPrisma();
});

describe("GET /readyz", () => {
  it("is 503 naming redis when Redis is unreachable", async () => {
    const { loader } = await import("~/routes/readyz");
    const response = await loader();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe("unavailable");
    expect(body.failed).toEqual(["redis"]);
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.redis).toEqual({ ok: false, error: expect.any(String) });
  });

  it("is 200 when PostgreSQL and Redis both answer", async () => {
    const { checkReadiness } = await import("~/health/readiness.server");
    const { getPrisma } = await import("~/db/prisma.server");
    const redis = new Redis(liveRedisUrl, { enableOfflineQueue: false, lazyConnect: true });
    try {
      const readiness = await checkReadiness({ db: getPrisma(), redis });
      expect(readiness.ready).toBe(true);
      expect(readiness.checks.database).toMatchObject({ ok: true });
      expect(readiness.checks.redis).toMatchObject({ ok: true });
    } finally {
      redis.disconnect();
    }
  });

  it("names the database when PostgreSQL is unreachable", async () => {
    const { checkReadiness } = await import("~/health/readiness.server");
    const { createPrismaClient } = await import("~/db/prisma.server");
    const deadDb = createPrismaClient(`postgresql://postgres@127.0.0.1:${await freePort()}/postgres`, 1);
    const redis = new Redis(liveRedisUrl, { enableOfflineQueue: false, lazyConnect: true });
    try {
      const readiness = await checkReadiness({ db: deadDb, redis });
      expect(readiness.ready).toBe(false);
      expect(readiness.checks.database).toEqual({ ok: false, error: expect.any(String) });
      expect(readiness.checks.redis).toMatchObject({ ok: true });
    } finally {
      redis.disconnect();
      await deadDb.$disconnect();
    }
  });
});

describe("GET /healthz", () => {
  it("answers 200 without touching PostgreSQL or Redis", async () => {
    const { loader } = await import("~/routes/healthz");
    const response = loader();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("queue producers while Redis is down", () => {
  it("fail fast instead of hanging the request", async () => {
    const { enqueue, closeQueues, QueueUnavailableError } = await import("~/jobs/queues.server");
    const started = Date.now();
    const attempt = enqueue({ queue: "fulfillment", name: "fulfillment.probe", data: { shopId: "x" }, jobId: "probe-1" });
    await expect(attempt).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    await closeQueues();
  });
});
