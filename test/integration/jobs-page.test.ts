import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The Jobs page's loader: global queue health labelled per queue, and only this shop's
// dead letters and counts. A queue prefix of this file's own, so the counts are exact.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-jobs-page-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  deadLetters: await import("~/jobs/dead-letters.server"),
  jobsPage: await import("~/routes/app.jobs"),
  shops: await import("../factories/shop.factory"),
  rows: await import("../factories/merchant-rows"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;

beforeAll(async () => {
  app = await loadApp();
});

afterAll(async () => {
  for (const name of ["inventory", "sync"] as const) await app.queues.getQueue(name).obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

interface JobsData {
  error: string | null;
  overview: {
    queues: Array<{ queue: string; global: Record<string, number> | null; openDeadLetters: number }>;
    queuesUnavailable: string | null;
  };
  deadLetters: Array<{ id: string; queue: string; jobName: string; jobId: string; error: string; attempts: number; orderId: string | null; status: string }>;
  olderCursor: string | null;
  newerCursor: string | null;
}

async function open(shop: string, query = "") {
  const request = await app.requests.adminRequest(shop, `/app/jobs${query}`);
  const response = await app.requests.settle(() => app.jobsPage.loader({ request, params: {}, context: {} }));
  return { status: response.status, data: (await response.json()) as JobsData };
}

let sequence = 0;
function failure(shopId: string, queue: string, extra: Record<string, unknown> = {}) {
  sequence += 1;
  const at = new Date(Date.now() - 60_000 + sequence * 1_000);
  return app.deadLetters.recordDeadLetter({
    queue,
    jobName: `${queue}.test-job`,
    jobId: `job-${sequence}-${randomBytes(3).toString("hex")}`,
    data: { shopId, ...extra },
    error: `boom ${sequence}`,
    attempts: 3,
    firstFailedAt: at,
    lastFailedAt: at,
  });
}

describe("/app/jobs", () => {
  it("shows global queue counts and only this shop's dead letters, newest first, with the order link", async () => {
    const [shop, other] = await Promise.all([app.shops.buildShop(), app.shops.buildShop()]);
    const db = app.db.forShop(shop.id);
    const order = (await db.order.create({ data: { shopId: shop.id, ...(await app.rows.merchantRowData.Order(db)) } as never })) as { id: string };
    const first = await failure(shop.id, "fulfillment", { orderId: order.id });
    const second = await failure(shop.id, "sync");
    await failure(shop.id, "fulfillment");
    await failure(other.id, "fulfillment");
    await failure(other.id, "inventory");
    await app.queues.getQueue("inventory").add("inventory.probe", { shopId: other.id }, { jobId: `probe-${randomBytes(3).toString("hex")}` });
    await app.queues.getQueue("sync").add("sync.probe", { shopId: shop.id }, { jobId: `later-${randomBytes(3).toString("hex")}`, delay: 60_000 });

    const { status, data } = await open(shop.domain);
    expect(status).toBe(200);
    expect(data.error).toBeNull();
    expect(data.overview.queuesUnavailable).toBeNull();
    const byQueue = Object.fromEntries(data.overview.queues.map((row) => [row.queue, row]));
    expect(Object.keys(byQueue)).toEqual(["fulfillment", "inventory", "approvals", "notifications", "inbound", "sync"]);
    // Global (all shops): the other shop's waiting job counts here too.
    expect(byQueue.inventory.global).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0, completed: 0 });
    expect(byQueue.sync.global).toMatchObject({ delayed: 1, waiting: 0 });
    // The shop's own numbers: its open dead letters only.
    expect(byQueue.fulfillment.openDeadLetters).toBe(2);
    expect(byQueue.sync.openDeadLetters).toBe(1);
    expect(byQueue.inventory.openDeadLetters).toBe(0);

    expect(data.deadLetters).toHaveLength(3);
    expect(data.deadLetters.map((row) => row.error)).toEqual([expect.stringMatching(/^boom/), expect.stringMatching(/^boom/), expect.stringMatching(/^boom/)]);
    expect(data.deadLetters[2]).toMatchObject({ id: first.recorded && first.id, queue: "fulfillment", orderId: order.id, attempts: 3, status: "OPEN" });
    expect(data.deadLetters[1]).toMatchObject({ id: second.recorded && second.id, queue: "sync", orderId: null });

    const theirs = await open(other.domain);
    expect(theirs.data.deadLetters).toHaveLength(2);
    expect(theirs.data.deadLetters.map((row) => row.id)).not.toContain(first.recorded && first.id);
  });

  it("filters by status and answers 400 for an unknown one", async () => {
    const shop = await app.shops.buildShop();
    await failure(shop.id, "fulfillment");
    expect((await open(shop.domain, "?status=RETRIED")).data.deadLetters).toEqual([]);
    expect((await open(shop.domain, "?status=OPEN")).data.deadLetters).toHaveLength(1);
    const bad = await open(shop.domain, "?status=EXPLODED");
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatch(/Unknown status filter/);
  });

  it("keeps a dead letter once per (queue, job, last failure)", async () => {
    const shop = await app.shops.buildShop();
    const at = new Date();
    const one = { queue: "fulfillment", jobName: "x", jobId: `same-${randomBytes(3).toString("hex")}`, data: { shopId: shop.id }, error: "e", attempts: 1, firstFailedAt: at, lastFailedAt: at };
    const [a, b] = [await app.deadLetters.recordDeadLetter(one), await app.deadLetters.recordDeadLetter(one)];
    expect(a).toEqual(b);
    expect(await app.db.forShop(shop.id).deadLetter.count()).toBe(1);
  });
});
