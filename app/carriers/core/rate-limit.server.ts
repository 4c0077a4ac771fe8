// Per-account request budget, shared by every web and worker process through Redis,
// so N processes together stay under the carrier's limit (a per-process limiter
// would allow N times the budget).
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { getConfig } from "../../config/env.server";
import { getProducerRedis } from "../../jobs/redis.server";
import { RateLimitedError } from "./errors";

export interface RateLimits {
  points: number;
  durationSeconds: number;
}

export const CARRIER_RATE_LIMITS: Record<string, RateLimits> = {
  // FedEx: 1,400 transactions per 10 s per project (developer.fedex.com rate limits guide).
  fedex: { points: 1400, durationSeconds: 10 },
  // DHL eCommerce Americas publishes no rate limit. 20 requests/s per account is far
  // above what one merchant's label volume needs (one label per request) and well
  // under FedEx's figure, so an undocumented DHL throttle is unlikely to be reached.
  "dhl-ecommerce": { points: 200, durationSeconds: 10 },
};

/** For a carrier with no entry above: the conservative DHL figure. */
const DEFAULT_LIMITS: RateLimits = { points: 200, durationSeconds: 10 };

export interface AccountRateLimiter {
  /** Takes one request from the account's budget, or throws RateLimitedError with the wait. */
  consume(accountId: string): Promise<void>;
}

export function accountRateLimiter(
  carrier: string,
  limits: RateLimits = CARRIER_RATE_LIMITS[carrier] ?? DEFAULT_LIMITS,
  options: { redis?: Redis; keyPrefix?: string } = {},
): AccountRateLimiter {
  let limiter: RateLimiterRedis | undefined;
  // Created on first use: the producer connection and config are read lazily.
  const get = () =>
    (limiter ??= new RateLimiterRedis({
      storeClient: options.redis ?? getProducerRedis(),
      keyPrefix: `${options.keyPrefix ?? getConfig().QUEUE_PREFIX}:carrier-rate:${carrier}`,
      points: limits.points,
      duration: limits.durationSeconds,
    }));
  return {
    async consume(accountId) {
      try {
        await get().consume(accountId);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new RateLimitedError(
            `${carrier}: the account's budget of ${limits.points} requests per ${limits.durationSeconds} s is spent`,
            error.msBeforeNext,
          );
        }
        throw error; // Redis is unreachable: an ordinary failure, retried by the job
      }
    },
  };
}
