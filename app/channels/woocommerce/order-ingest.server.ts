// A WooCommerce order as delivered (webhook) or polled: into the shared order
// pipeline, and the units its refunds restocked back on sale.
import type { ShopDatabase } from "../../db/prisma.server";
import { ingestAndRoute } from "../../fulfillment/pipeline.server";
import { recordWooRestocks } from "../../inventory/restocks.server";
import type { IngestOutcome } from "../../orders/order-ingestion.server";
import { orderFromWoo, wooRestockedUnits, type WooOrder } from "./order-mapping";

export async function ingestWooOrder(db: ShopDatabase, channelId: string, raw: WooOrder): Promise<{ outcome: IngestOutcome; restocked: number; updatedAt: Date }> {
  const order = orderFromWoo(raw);
  const outcome = await ingestAndRoute(db, channelId, order);
  const { restocked } = await recordWooRestocks(db, channelId, order.externalOrderId, wooRestockedUnits(raw));
  return { outcome, restocked, updatedAt: order.updatedAt };
}
