import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeProducerRedis } from "~/jobs/redis.server";
import { enforceRateLimit, RATE_LIMITS } from "~/security/rate-limits.server";

afterAll(() => closeProducerRedis());

async function outcome(run: Promise<void>): Promise<Response | "ok"> {
  try {
    await run;
    return "ok";
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("rate limits", () => {
  it("count from a fresh process's very first request, then answer 429 with Retry-After", async () => {
    const ip = `198.51.100.${randomBytes(1)[0]}-${randomBytes(3).toString("hex")}`;
    const { points } = RATE_LIMITS.woocommerceCallback;
    // The first call runs before the shared Redis connection is up: it must still count.
    for (let i = 0; i < points; i++) expect(await outcome(enforceRateLimit("woocommerceCallback", ip))).toBe("ok");
    const refused = await outcome(enforceRateLimit("woocommerceCallback", ip));
    expect(refused).toBeInstanceOf(Response);
    const response = refused as Response;
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await response.json()).error).toMatch(/^Too many requests\. Try again in \d+ seconds?\.$/);
    // Another client is not affected.
    expect(await outcome(enforceRateLimit("woocommerceCallback", `${ip}-other`))).toBe("ok");
  });
});
