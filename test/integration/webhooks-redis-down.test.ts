import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startLocalRedis, type LocalRedis } from "~/jobs/local-redis.server";
import { buildShop } from "../factories/shop.factory";
import { webhookOrder } from "../fixtures/shopify/order-payloads";
import { responseOf, signedWebhook } from "../support/shopify-webhooks";

// This file's app talks to a private redis-server that the test stops and restarts.
let redis: LocalRedis;
let port: number;
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redisClient: await import("~/jobs/redis.server"),
  route: await import("~/routes/webhooks.orders.create"),
  sweeper: await import("~/webhooks/event-sweeper.server"),
  inbound: await import("../support/inbound"),
});
let app: Awaited<ReturnType<typeof loadApp>>;

beforeAll(async () => {
  port = await freePort();
  redis = await startLocalRedis("redis-server", port);
  process.env.REDIS_URL = redis.url;
  app = await loadApp();
});

afterAll(async () => {
  await app.queues.closeQueues();
  await app.redisClient.closeProducerRedis();
  await app.db.disconnectPrisma();
  await redis.stop();
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a webhook while Redis is down", () => {
  it("is recorded and answered 200, then enqueued by the sweeper when Redis is back, and processed once", async () => {
    const shop = await buildShop();
    await redis.stop();

    const started = Date.now();
    const request = signedWebhook({ topic: "orders/create", shop: shop.domain, path: "/webhooks/orders/create", payload: webhookOrder() });
    const response = await responseOf(() => app.route.action({ request, params: {}, context: {} } as ActionFunctionArgs));
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000); // well within Shopify's 5 s
    const [event] = await app.db.forShop(shop.id).webhookEvent.findMany();
    expect(event.processedAt).toBeNull();

    redis = await startLocalRedis("redis-server", port);
    await eventually(async () => app.redisClient.whenConnected(app.redisClient.getProducerRedis(), 200).then(() => true, () => false));

    // The sweeper works across shops (other test files' events may be swept too).
    const queue = app.queues.getQueue("inbound");
    expect((await app.sweeper.sweepUnprocessedEvents({ olderThanMs: 0 })).enqueued).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(`event-${event.id}`)).toBeDefined();
    const waiting = await queue.getJobCountByTypes("waiting");
    await app.sweeper.sweepUnprocessedEvents({ olderThanMs: 0 });
    expect(await queue.getJobCountByTypes("waiting")).toBe(waiting); // same job ids: no duplicates

    expect(await app.inbound.runQueuedEventJob(event.id)).toEqual({ outcome: "created" });
    expect(await app.db.forShop(shop.id).order.count()).toBe(1);
    const again = await app.db.forShop(shop.id).webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(again.processedAt).toBeInstanceOf(Date); // the sweeper will not pick it up again
  }, 60_000);
});
