import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as FairnessModule from "~/fulfillment/shop-fairness.server";
import type * as RedisModule from "~/jobs/redis.server";

// A busy shop's fulfillment jobs are delayed once its per-second budget is spent;
// another shop's jobs still start.
let fairness: typeof FairnessModule;
let redis: typeof RedisModule;

beforeAll(async () => {
  process.env.FULFILLMENT_JOBS_PER_SHOP_PER_SECOND = "3";
  fairness = await import("~/fulfillment/shop-fairness.server");
  redis = await import("~/jobs/redis.server");
  await redis.whenConnected(redis.getProducerRedis());
});
afterAll(() => redis.closeProducerRedis());

describe("fairness between shops", () => {
  it("delays a shop past its budget (retry later, no attempt spent) while another shop goes on", async () => {
    const busy = randomUUID();
    const quiet = randomUUID();
    for (let i = 0; i < 3; i++) await fairness.takeShopTurn(busy);
    const refused = await fairness.takeShopTurn(busy).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(fairness.ShopBusyError);
    expect((refused as InstanceType<typeof fairness.ShopBusyError>).retryLater).toBe(true);
    expect((refused as InstanceType<typeof fairness.ShopBusyError>).delayMs).toBeGreaterThan(0);
    await expect(fairness.takeShopTurn(quiet)).resolves.toBeUndefined();
  });
});
