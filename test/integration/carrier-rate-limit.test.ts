import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError, accountRateLimiter } from "~/carriers/core/policies.server";

// Two connections and two limiter instances stand for two processes.
let first: Redis;
let second: Redis;

beforeAll(() => {
  first = new Redis(process.env.REDIS_URL!);
  second = new Redis(process.env.REDIS_URL!);
});

afterAll(() => {
  first.disconnect();
  second.disconnect();
});

describe("per-account carrier rate limit", () => {
  it("shares one budget across limiter instances and says how long to wait", async () => {
    const keyPrefix = `${process.env.QUEUE_PREFIX}:carrier-${randomBytes(4).toString("hex")}`;
    const limits = { points: 5, durationSeconds: 10 };
    const a = accountRateLimiter("fedex", limits, { redis: first, keyPrefix });
    const b = accountRateLimiter("fedex", limits, { redis: second, keyPrefix });

    for (let i = 0; i < 3; i++) await a.consume("acct-1");
    for (let i = 0; i < 2; i++) await b.consume("acct-1");
    const error = await a.consume("acct-1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).delayMs).toBeGreaterThan(9_000);
    expect((error as RateLimitedError).delayMs).toBeLessThanOrEqual(10_000);
    expect((error as RateLimitedError).retryLater).toBe(true);
    await expect(b.consume("acct-1")).rejects.toBeInstanceOf(RateLimitedError);

    // Another account, or the same account at another carrier, has its own budget.
    await expect(b.consume("acct-2")).resolves.toBeUndefined();
    await expect(accountRateLimiter("dhl-ecommerce", limits, { redis: first, keyPrefix }).consume("acct-1")).resolves.toBeUndefined();
  });
});
