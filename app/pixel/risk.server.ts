// Risk notes from the shop's pixel events (last 30 days), for a COD order awaiting approval.
// Facts only, and only when events exist: a missing pixel event says nothing (the visitor
// may have declined analytics, or the pixel is not activated), so it is never a note.
import { Prisma } from "@prisma/client";
import type { ShopDatabase } from "../db/prisma.server";
import { PIXEL_EVENT_RETENTION_DAYS, retentionCutoff } from "./retention.server";

export interface PixelRiskNote {
  code: "PIXEL_CHECKOUTS" | "PIXEL_PAYMENT_ATTEMPTS";
  text: string;
}

/** Other checkouts by the same email or phone before a note is worth an admin's attention. */
export const MIN_OTHER_CHECKOUTS = 2;

const COD = /cash on delivery|\bcod\b|payment ?on ?delivery/i;
export const isCashOnDelivery = (gateway: string) => COD.test(gateway);

const digitsOf = (phone: string | null) => (phone ? phone.replace(/\D/g, "") : "");
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * - PIXEL_CHECKOUTS: the buyer's email or phone appears in other checkouts (distinct
 *   checkout tokens) in the last 30 days, with how many of them completed.
 * - PIXEL_PAYMENT_ATTEMPTS: in this order's own checkout, payment info was submitted with a
 *   non-COD method before cash on delivery was chosen. Shopify's payment_info_submitted
 *   event does not say whether a card was declined, so the note states only what happened.
 */
export async function pixelRiskNotes(
  db: ShopDatabase,
  order: { id: string; email: string | null; phone: string | null },
  now: Date = new Date(),
): Promise<PixelRiskNote[]> {
  const shopId = db.$shopId();
  const since = retentionCutoff(now);
  const row = await db.order.findFirst({ where: { id: order.id }, select: { externalOrderId: true, channel: { select: { type: true } } } });
  // The pixel reports Shopify's order number; WooCommerce orders have no checkout of ours.
  const shopifyOrderId = row?.channel.type === "SHOPIFY" ? row.externalOrderId : null;
  const own = shopifyOrderId
    ? await db.pixelEvent.findMany({
        where: { orderId: shopifyOrderId, checkoutToken: { not: null } },
        select: { checkoutToken: true },
        take: 5,
      })
    : [];
  const ownTokens = [...new Set(own.map((event) => event.checkoutToken!))];
  const notes: PixelRiskNote[] = [];

  const email = order.email?.trim().toLowerCase() || null;
  const phone = digitsOf(order.phone);
  if (email || phone.length >= 6) {
    // Raw SQL for the digit-wise phone match; the shop filter is explicit.
    const [counts] = await db.$queryRaw<Array<{ checkouts: number; completed: number }>>(Prisma.sql`
      SELECT count(DISTINCT "checkoutToken")::int AS checkouts,
             count(DISTINCT "checkoutToken") FILTER (WHERE name = 'checkout_completed')::int AS completed
        FROM "PixelEvent"
       WHERE "shopId" = ${shopId}::uuid
         AND "receivedAt" >= ${since}
         AND "checkoutToken" IS NOT NULL
         AND NOT ("checkoutToken" = ANY(${ownTokens}::text[]))
         AND ("orderId" IS NULL OR "orderId" <> ${shopifyOrderId ?? ""})
         AND ( (${email}::text IS NOT NULL AND email = ${email})
            OR (${phone}::text <> '' AND regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ${phone}) )`);
    if (counts && counts.checkouts >= MIN_OTHER_CHECKOUTS) {
      notes.push({
        code: "PIXEL_CHECKOUTS",
        text: `This buyer's email or phone was used in ${plural(counts.checkouts, "other checkout", "other checkouts")} in the last ${PIXEL_EVENT_RETENTION_DAYS} days (${counts.completed} completed).`,
      });
    }
  }

  if (ownTokens.length > 0) {
    const events = await db.pixelEvent.findMany({
      where: { checkoutToken: { in: ownTokens }, receivedAt: { gte: since } },
      select: { name: true, gateways: true, occurredAt: true },
      orderBy: { occurredAt: "asc" },
    });
    const completed = events.find((event) => event.name === "checkout_completed");
    const paidCod = completed ? completed.gateways.some(isCashOnDelivery) : false;
    const otherAttempts = events.filter(
      (event) =>
        event.name === "payment_info_submitted" &&
        event.gateways.length > 0 &&
        !event.gateways.some(isCashOnDelivery) &&
        (!completed || event.occurredAt <= completed.occurredAt),
    ).length;
    if (paidCod && otherAttempts > 0) {
      notes.push({
        code: "PIXEL_PAYMENT_ATTEMPTS",
        text: `Cash on delivery was chosen after ${plural(otherAttempts, "payment submission", "payment submissions")} with another method in the same checkout.`,
      });
    }
  }
  return notes;
}
