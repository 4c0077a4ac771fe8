// The order the extension means. Shopify hands the extension the order's gid
// (gid://shopify/Order/123); the block may also send the bare number. Rappit's row is
// looked up in this shop only, so another shop's order and an unknown one are the same 404.
import type { ShopDatabase } from "../db/prisma.server";

/** The numeric Shopify order id in a gid or a bare id; null when it is neither. */
export function shopifyOrderIdOf(raw: string): string | null {
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(raw.trim());
  return match ? match[1] : null;
}

export async function findShopifyOrder(db: ShopDatabase, rawOrderId: string) {
  const externalOrderId = shopifyOrderIdOf(rawOrderId);
  if (!externalOrderId) return null;
  return db.order.findFirst({ where: { externalOrderId, channel: { type: "SHOPIFY" } } });
}

export type ExtensionOrder = NonNullable<Awaited<ReturnType<typeof findShopifyOrder>>>;

export const ORDER_NOT_FOUND = "Rappit has no such order in this shop.";
