// Shop id → myshopify domain, so the log lines of a job that carries only `shopId` (a
// scheduled sweep, a reconciliation) still name the shop. A shop's domain never changes
// for its id, so the in-process cache needs no invalidation; it is bounded all the same.
import { getPrisma, type Database } from "../db/prisma.server";

const MAX_ENTRIES = 10_000;
const domains = new Map<string, string>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function shopDomainOf(shopId: string, db: Database = getPrisma()): Promise<string | undefined> {
  const cached = domains.get(shopId);
  if (cached) return cached;
  if (!UUID.test(shopId)) return undefined;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true } });
  if (!shop) return undefined;
  if (domains.size >= MAX_ENTRIES) domains.delete(domains.keys().next().value!);
  domains.set(shopId, shop.domain);
  return shop.domain;
}
