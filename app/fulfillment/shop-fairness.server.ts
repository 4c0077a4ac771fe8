// Fairness between shops on the shared fulfillment workers: each shop may start at
// most N fulfillment jobs per second (a per-shop rate limit in Redis, shared by all
// worker processes). A shop over its budget has its job delayed, not failed, which
// frees the worker slot for other shops' orders. Chosen over a per-shop concurrency
// limit because a rate needs no release step, so a crashed worker cannot leak a slot.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { getConfig } from "../config/env.server";
import { getProducerRedis } from "../jobs/redis.server";

export class ShopBusyError extends Error {
  readonly retryLater = true;
  constructor(readonly delayMs: number) {
    super(`this shop's fulfillment budget is spent for now; continuing in ${delayMs} ms`);
    this.name = "ShopBusyError";
  }
}

let limiter: RateLimiterRedis | undefined;

export async function takeShopTurn(shopId: string): Promise<void> {
  const config = getConfig();
  limiter ??= new RateLimiterRedis({
    storeClient: getProducerRedis(),
    keyPrefix: `${config.QUEUE_PREFIX}:fulfillment-shop-rate`,
    points: config.FULFILLMENT_JOBS_PER_SHOP_PER_SECOND,
    duration: 1,
  });
  try {
    await limiter.consume(shopId);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new ShopBusyError(Math.max(50, error.msBeforeNext));
    throw error;
  }
}
