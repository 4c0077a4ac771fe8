// The Health card's data: the doctor's report for one shop, kept in Redis for 15 minutes.
// The home page only reads it (one GET); the checks run when someone presses "Run checks",
// because they call Shopify, each WooCommerce store and each carrier, which no page load
// should wait for. One run per shop at a time (a short Redis lock).
import { getConfig } from "../config/env.server";
import { getPrisma } from "../db/prisma.server";
import { getProducerRedis, whenConnected } from "../jobs/redis.server";
import { loggerFor } from "../logging/logger.server";
import { CHECK_STATUSES, type ShopReport } from "./report";
import { checkShop } from "./run-doctor.server";

const logger = loggerFor("health-card");
export const HEALTH_TTL_SECONDS = 15 * 60;
const RUN_LOCK_MS = 60_000;

const keyOf = (shopId: string) => `${getConfig().QUEUE_PREFIX}:doctor:${shopId}`;

function isReport(value: unknown): value is ShopReport {
  if (typeof value !== "object" || value === null) return false;
  const { shop, checkedAt, checks } = value as Partial<ShopReport>;
  return (
    typeof shop === "string" &&
    typeof checkedAt === "string" &&
    Array.isArray(checks) &&
    checks.every((check) => typeof check.name === "string" && typeof check.detail === "string" && (CHECK_STATUSES as readonly string[]).includes(check.status))
  );
}

/** The last report of the shop, if one was made in the last 15 minutes; null when Redis does not answer. */
export async function cachedHealthReport(shopId: string): Promise<ShopReport | null> {
  try {
    const redis = getProducerRedis();
    await whenConnected(redis, 500);
    const text = await redis.get(keyOf(shopId));
    const parsed: unknown = text ? JSON.parse(text) : null;
    return isReport(parsed) ? parsed : null;
  } catch (error) {
    logger.warn({ err: error }, "health report not read");
    return null;
  }
}

/** Runs the doctor for the shop (unless a run is under way) and keeps the report. */
export async function runHealthChecks(domain: string): Promise<ShopReport | null> {
  const shop = await getPrisma().shop.findUnique({ where: { domain }, select: { id: true, domain: true, tokenStatus: true, installedAt: true } });
  if (!shop) return null;
  const redis = getProducerRedis();
  await whenConnected(redis, 1_000);
  const lock = `${keyOf(shop.id)}:running`;
  if ((await redis.set(lock, "1", "PX", RUN_LOCK_MS, "NX")) !== "OK") return cachedHealthReport(shop.id);
  try {
    const report = await checkShop(shop);
    await redis.set(keyOf(shop.id), JSON.stringify(report), "EX", HEALTH_TTL_SECONDS);
    return report;
  } finally {
    await redis.del(lock);
  }
}
