// A customer's pixel events, for GDPR: customers/data_request exports them and
// customers/redact deletes them. A customer's events are those with their email or phone,
// or about their orders, plus every other event of the same checkouts (an early event of
// a checkout may lack the email that a later one carries).
import { Prisma } from "@prisma/client";
import type { ShopDatabase } from "../db/prisma.server";

export interface CustomerKeys {
  email?: string | null;
  phone?: string | null;
  /** Shopify order ids (numbers as strings) of the customer's orders. */
  orderIds: string[];
}

/** Ids of the customer's pixel events in this shop. Raw SQL carries the shop filter. */
export async function customerEventIds(db: ShopDatabase, keys: CustomerKeys): Promise<string[]> {
  const email = keys.email?.trim().toLowerCase() || null;
  const phone = keys.phone ? keys.phone.replace(/\D/g, "") : "";
  if (!email && phone.length < 6 && keys.orderIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    WITH matched AS (
      SELECT id, "checkoutToken" FROM "PixelEvent"
       WHERE "shopId" = ${db.$shopId()}::uuid
         AND ( (${email}::text IS NOT NULL AND lower(email) = ${email})
            OR (${phone}::text <> '' AND regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ${phone})
            OR ("orderId" = ANY(${keys.orderIds}::text[])) ))
    SELECT id::text FROM matched
    UNION
    SELECT e.id::text FROM "PixelEvent" e
     WHERE e."shopId" = ${db.$shopId()}::uuid
       AND e."checkoutToken" IN (SELECT "checkoutToken" FROM matched WHERE "checkoutToken" IS NOT NULL)`);
  return rows.map((row) => row.id);
}

/** The customer's events as exported: the stored fields, oldest first. */
export async function customerPixelEvents(db: ShopDatabase, keys: CustomerKeys) {
  const ids = await customerEventIds(db, keys);
  if (ids.length === 0) return [];
  return db.pixelEvent.findMany({
    where: { id: { in: ids } },
    select: { eventId: true, name: true, occurredAt: true, receivedAt: true, checkoutToken: true, orderId: true, email: true, phone: true, gateways: true },
    orderBy: { occurredAt: "asc" },
  });
}

interface PixelEventDeleter {
  pixelEvent: { deleteMany(args: { where: { id: { in: string[] } } }): PromiseLike<{ count: number }> };
}

/** Deletes the customer's events (they exist only for risk notes; nothing to keep). Any shop-scoped client or transaction. */
export async function deleteCustomerPixelEvents(db: PixelEventDeleter, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await db.pixelEvent.deleteMany({ where: { id: { in: ids } } });
  return count;
}
