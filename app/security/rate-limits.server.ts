// Request rate limits, in Redis so every web process shares them (rate-limiter-flexible).
// Over the limit: 429 with Retry-After, logged. A Redis outage does not lock users out:
// the limiter is skipped (and logged) rather than failing the request.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { getConfig } from "../config/env.server";
import { getProducerRedis, whenConnected } from "../jobs/redis.server";
import { loggerFor } from "../logging/logger.server";

const logger = loggerFor("rate-limit");

/** Each limit: how many in how many seconds, and what it protects. */
export const RATE_LIMITS = {
  /** Approve/Reject by one admin. */
  approvalDecision: { points: 20, duration: 3600 },
  /** Approval page loads (email links) per client IP. */
  approvalPage: { points: 60, duration: 60 },
  /** POST /integrations/woocommerce/callback per client IP. */
  woocommerceCallback: { points: 30, duration: 60 },
  /** Web pixel events per (shop, client IP): a storefront visitor's checkout sends a handful. */
  pixelIngest: { points: 120, duration: 60 },
  /** POST /webhooks/whatsapp per client IP (Meta sends from a few addresses, in bursts). */
  whatsappWebhook: { points: 600, duration: 60 },
} as const;
export type RateLimitName = keyof typeof RATE_LIMITS;

const limiters = new Map<RateLimitName, RateLimiterRedis>();

function limiterFor(name: RateLimitName): RateLimiterRedis {
  let limiter = limiters.get(name);
  if (!limiter) {
    limiter = new RateLimiterRedis({
      storeClient: getProducerRedis(),
      keyPrefix: `${getConfig().QUEUE_PREFIX}:rate:${name}`,
      ...RATE_LIMITS[name],
    });
    limiters.set(name, limiter);
  }
  return limiter;
}

/** Counts one request against `name` for `key`; throws a 429 Response when over the limit. */
export async function enforceRateLimit(name: RateLimitName, key: string): Promise<void> {
  try {
    // The shared connection queues nothing while it is not connected (enableOfflineQueue is
    // off): wait briefly for it, or a fresh process would let its first requests through.
    await whenConnected(getProducerRedis(), 500);
    await limiterFor(name).consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      logger.warn({ limit: name, key, retryAfter }, "rate limit exceeded");
      throw Response.json(
        { error: `Too many requests. Try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.` },
        { status: 429, headers: { "Retry-After": String(retryAfter) } },
      );
    }
    logger.error({ limit: name, err: error }, "rate limiter unavailable: request let through");
  }
}
