import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";

// Jobs that fail for the last time, through the real worker runtime, PostgreSQL and
// Redis: the dead letter, then Retry and Discard from the Jobs page. A queue prefix of
// this file's own, so no other file's workers take these jobs.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-dl-${randomBytes(3).toString("hex")}`;
const prefix = process.env.QUEUE_PREFIX;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  deadLetters: await import("~/jobs/dead-letters.server"),
  jobsPage: await import("~/routes/app.jobs"),
  shops: await import("../factories/shop.factory"),
  rows: await import("../factories/merchant-rows"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let runtime: WorkerRuntime;
let succeed = false;
const runs: Array<{ name: string; data: unknown; attempt: number }> = [];

const ACCESS_TOKEN = `shpat_${randomBytes(16).toString("hex")}`;
const CONSUMER_SECRET = `cs_${randomBytes(20).toString("hex")}`;

beforeAll(async () => {
  app = await loadApp();
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix,
    queues: ["fulfillment"],
    logger: pino({ level: "silent" }),
    heartbeat: false,
    handlers: {
      fulfillment: {
        "test.flaky-label": async (data, context) => {
          runs.push({ name: "test.flaky-label", data, attempt: context.attempt });
          if (!succeed) throw new Error(`carrier refused the label (Bearer ${ACCESS_TOKEN})`);
          return "bought";
        },
        "test.needs-reauth": async () => {
          throw Object.assign(new Error("shop needs re-authentication"), { retryable: false });
        },
      },
    },
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  for (const name of ["fulfillment", "approvals"] as const) await app.queues.getQueue(name).obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met in time");
}

async function shopWithOrder() {
  const shop = await app.shops.buildShop();
  const db = app.db.forShop(shop.id);
  const order = await db.order.create({ data: { shopId: shop.id, ...(await app.rows.merchantRowData.Order(db)) } as never });
  return { shop, db, order: order as { id: string } };
}

const jobId = (label: string) => `${label}-${randomBytes(4).toString("hex")}`;

/** Adds a job and waits until BullMQ has it in the failed set; returns its dead letter, read right then. */
async function failedJob(name: string, data: Record<string, unknown>, id: string, attempts: number, queueName: "fulfillment" | "approvals" = "fulfillment") {
  const queue = app.queues.getQueue(queueName);
  await queue.add(name, data, { jobId: id, attempts, backoff: { type: "fixed", delay: 50 } });
  await waitFor(async () => (await queue.getJob(id))?.getState().then((state) => state === "failed"));
  const shopId = data.shopId as string;
  // Read as soon as the job is in the failed set: the copy must already be there.
  return app.db.forShop(shopId).deadLetter.findFirst({ where: { jobId: id } });
}

async function post(shopDomain: string, fields: Record<string, string>) {
  const request = await app.requests.adminRequest(shopDomain, "/app/jobs", { method: "POST", body: new URLSearchParams(fields) });
  const response = await app.requests.settle(() => app.jobsPage.action({ request, params: {}, context: {} }));
  return { status: response.status, body: (await response.json()) as { ok: boolean; message: string; jobId?: string } };
}

async function page(shopDomain: string, query = "") {
  const request = await app.requests.adminRequest(shopDomain, `/app/jobs${query}`);
  const response = await app.requests.settle(() => app.jobsPage.loader({ request, params: {}, context: {} }));
  return (await response.json()) as { deadLetters: Array<{ id: string; jobId: string; orderId: string | null; status: string }> };
}

describe("dead letters", () => {
  it("keeps a job that failed every attempt: redacted payload, error, attempts, order, first and last failure", async () => {
    succeed = false;
    const { shop, order } = await shopWithOrder();
    const id = jobId("label");
    const data = { shopId: shop.id, orderId: order.id, accessToken: ACCESS_TOKEN, woo: { consumer_secret: CONSUMER_SECRET }, note: "keep me" };
    const row = await failedJob("test.flaky-label", data, id, 2);

    expect(row).not.toBeNull();
    expect(row).toMatchObject({ queue: "fulfillment", jobName: "test.flaky-label", jobId: id, attempts: 2, orderId: order.id, status: "OPEN", resolvedAt: null });
    expect(row!.payload).toEqual({ shopId: shop.id, orderId: order.id, accessToken: "[redacted]", woo: { consumer_secret: "[redacted]" }, note: "keep me" });
    expect(row!.error).toMatch(/^carrier refused the label \(.*\[redacted\]\)$/);
    expect(row!.stack).toContain("carrier refused the label");
    const stored = JSON.stringify(await app.db.getPrisma().$queryRaw`SELECT d::text FROM "DeadLetter" d WHERE id = ${row!.id}::uuid`);
    expect(stored).not.toContain(ACCESS_TOKEN);
    expect(stored).not.toContain(CONSUMER_SECRET);
    expect(row!.firstFailedAt.getTime()).toBeLessThan(row!.lastFailedAt.getTime());
    expect(runs.filter((run) => (run.data as { orderId?: string }).orderId === order.id).map((run) => run.attempt)).toEqual([1, 2]);
  });

  it("keeps an error that retrying cannot fix after one attempt, and no order for an unknown orderId", async () => {
    const shop = await app.shops.buildShop();
    const id = jobId("reauth");
    const row = await failedJob("test.needs-reauth", { shopId: shop.id, orderId: "9b2f4a52-51e2-4e55-8f0a-6a7f3c0de001" }, id, 5);
    expect(row).toMatchObject({ attempts: 1, error: "shop needs re-authentication", orderId: null, status: "OPEN" });
    expect(row!.firstFailedAt).toEqual(row!.lastFailedAt);
    expect((await app.queues.getQueue("fulfillment").getJob(id))!.attemptsMade).toBe(1);
  });

  it("keeps no row for a job that names no shop (it is only logged)", async () => {
    const id = jobId("noshop");
    const queue = app.queues.getQueue("fulfillment");
    await queue.add("test.needs-reauth", { note: "no shop" }, { jobId: id, attempts: 1 });
    await waitFor(async () => (await queue.getJob(id))?.getState().then((state) => state === "failed"));
    const rows = await app.db.getPrisma().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "DeadLetter" WHERE "jobId" = ${id}`;
    expect(rows[0].n).toBe(0);
  });

  it("retries from the Jobs page: same job and payload, a fresh attempt budget, RETRIED, audited, old copy gone", async () => {
    succeed = false;
    const { shop, db, order } = await shopWithOrder();
    const id = jobId("retry");
    const data = { shopId: shop.id, orderId: order.id, accessToken: ACCESS_TOKEN };
    const row = (await failedJob("test.flaky-label", data, id, 2))!;

    succeed = true;
    const result = await post(shop.domain, { intent: "retry", id: row.id });
    expect(result).toMatchObject({ status: 200, body: { ok: true, jobId: `${id}-r1` } });
    const queue = app.queues.getQueue("fulfillment");
    const rerun = await waitFor(async () => {
      const job = await queue.getJob(`${id}-r1`);
      return job && (await job.getState()) === "completed" ? job : undefined;
    });
    expect(rerun.name).toBe("test.flaky-label");
    expect(rerun.returnvalue).toBe("bought");
    // The job's own data from Redis, not the redacted copy: the secret-bearing field is intact.
    expect(rerun.data).toEqual(data);
    expect(rerun.opts.attempts).toBe(2);
    expect(await queue.getJob(id)).toBeUndefined();

    const after = await db.deadLetter.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("RETRIED");
    expect(after.resolvedAt).toBeInstanceOf(Date);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "JOB_REPLAYED", subjectId: row.id } });
    expect(audit).toMatchObject({ actorType: "USER", subjectType: "DeadLetter" });
    expect(audit.after).toEqual({ status: "RETRIED", queue: "fulfillment", job: "test.flaky-label", jobId: `${id}-r1` });

    // Already retried: no longer open.
    expect((await post(shop.domain, { intent: "retry", id: row.id })).status).toBe(404);
  });

  it("discards from the Jobs page: DISCARDED, audited, failed copy removed from Redis", async () => {
    const shop = await app.shops.buildShop();
    const id = jobId("discard");
    const row = (await failedJob("test.needs-reauth", { shopId: shop.id }, id, 1))!;

    const result = await post(shop.domain, { intent: "discard", id: row.id });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    const db = app.db.forShop(shop.id);
    expect(await db.deadLetter.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "DISCARDED", resolvedAt: expect.any(Date) });
    expect(await db.auditLog.count({ where: { action: "JOB_DISCARDED", subjectId: row.id } })).toBe(1);
    expect(await app.queues.getQueue("fulfillment").getJob(id)).toBeUndefined();
    expect((await page(shop.domain)).deadLetters).toEqual([]);
    expect((await page(shop.domain, "?status=DISCARDED")).deadLetters.map((letter) => letter.id)).toEqual([row.id]);
  });

  it("refuses another shop's dead letter and unknown ids with 404, and does not list it", async () => {
    const [shop, other] = await Promise.all([app.shops.buildShop(), app.shops.buildShop()]);
    const id = jobId("tenant");
    const row = (await failedJob("test.needs-reauth", { shopId: shop.id }, id, 1))!;

    expect((await page(other.domain)).deadLetters.map((letter) => letter.id)).not.toContain(row.id);
    for (const intent of ["retry", "discard"]) {
      const refused = await post(other.domain, { intent, id: row.id });
      expect(refused.status).toBe(404);
      expect(refused.body.message).toMatch(/No open dead letter/);
    }
    for (const bad of ["not-a-uuid", "00000000-0000-4000-8000-000000000000", ""]) {
      const refused = await post(shop.domain, { intent: "retry", id: bad });
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ ok: false, message: expect.any(String) });
    }
    expect((await post(shop.domain, { intent: "explode", id: row.id })).status).toBe(400);
    expect(await app.db.forShop(shop.id).deadLetter.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "OPEN" });
    expect(await app.queues.getQueue("fulfillment").getJob(id)).toBeDefined();
  });

  it("holds a failed job back while PostgreSQL does not answer, then keeps its dead letter without rerunning it", async () => {
    const shop = await app.shops.buildShop();
    let calls = 0;
    let handlerRuns = 0;
    const flaky = app.runtime.startWorkers({
      redisUrl: process.env.REDIS_URL!,
      prefix,
      queues: ["approvals"],
      logger: pino({ level: "silent" }),
      heartbeat: false,
      deadLetters: {
        retryDelaysMs: [10],
        holdMs: 300,
        record: async (failure) => {
          calls += 1;
          if (calls <= 3) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
          return app.deadLetters.recordDeadLetter(failure);
        },
      },
      handlers: {
        approvals: {
          "test.boom": async () => {
            handlerRuns += 1;
            throw new Error("approval service exploded");
          },
        },
      },
    });
    try {
      const id = jobId("held");
      const queue = app.queues.getQueue("approvals");
      await queue.add("test.boom", { shopId: shop.id }, { jobId: id, attempts: 1 });
      await waitFor(async () => calls >= 2);
      // Out of the failed set while its copy cannot be written.
      expect(await (await queue.getJob(id))!.getState()).not.toBe("failed");
      const row = await failedJob("test.boom", { shopId: shop.id }, id, 1, "approvals");
      expect(row).toMatchObject({ queue: "approvals", attempts: 1, error: "approval service exploded" });
      expect(calls).toBe(4);
      expect(handlerRuns).toBe(1);
      const job = (await queue.getJob(id))!;
      expect(job.failedReason).toBe("approval service exploded");
      expect(job.attemptsMade).toBe(1);
    } finally {
      await flaky.stop(1_000);
    }
  });
});

describe("QUEUE_RETRY", () => {
  it("sets attempts and backoff per queue; other queues keep the defaults", async () => {
    const { parseConfig, ConfigError } = await import("~/config/env.server");
    const { QUEUE_RETRY } = parseConfig({ ...process.env, QUEUE_RETRY: '{"fulfillment":{"attempts":5,"backoffMs":100},"sync":{"backoff":"fixed"}}' });
    expect(app.queues.jobOptionsFor("fulfillment", QUEUE_RETRY)).toMatchObject({ attempts: 5, backoff: { type: "exponential", delay: 100 }, removeOnFail: { count: 10_000 } });
    expect(app.queues.jobOptionsFor("sync", QUEUE_RETRY)).toMatchObject({ attempts: 3, backoff: { type: "fixed", delay: 5_000 } });
    expect(app.queues.jobOptionsFor("inbound", QUEUE_RETRY)).toBe(app.queues.defaultJobOptions);
    expect(app.queues.jobOptionsFor("inbound", undefined)).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 5_000 } });
    for (const bad of ["not json", '{"nope":{"attempts":2}}', '{"fulfillment":{"attempts":0}}', '{"fulfillment":{"tries":2}}']) {
      expect(() => parseConfig({ ...process.env, QUEUE_RETRY: bad })).toThrow(ConfigError);
      expect(() => parseConfig({ ...process.env, QUEUE_RETRY: bad })).toThrow(/QUEUE_RETRY is invalid/);
    }
  });
});
