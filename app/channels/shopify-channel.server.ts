// The shop's own Shopify store as a Channel row, so orders of every channel share one model.
import type { ShopDatabase } from "../db/prisma.server";

export async function ensureShopifyChannel(db: ShopDatabase, shopDomain: string): Promise<{ id: string }> {
  return db.channel.upsert({
    where: { shopId_type_externalId: { shopId: db.$shopId(), type: "SHOPIFY", externalId: shopDomain } },
    create: { shopId: db.$shopId(), type: "SHOPIFY", externalId: shopDomain, name: shopDomain },
    update: { status: "CONNECTED", disconnectedAt: null },
    select: { id: true },
  });
}
