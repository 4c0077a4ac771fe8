// The inbound worker's job: apply one recorded webhook event, once. Runs in the
// `inbound` queue; safe to run again (the event's processedAt and every
// handler's own idempotency make a rerun a no-op).
import { z, ZodError } from "zod";
import { ensureShopifyChannel } from "../channels/shopify-channel.server";
import { wooOrderSchema } from "../channels/woocommerce/order-mapping";
import { ingestWooOrder } from "../channels/woocommerce/order-ingest.server";
import { forShop, getPrisma, type Database, type ShopDatabase } from "../db/prisma.server";
import { exportCustomerData, redactCustomer } from "../gdpr/customer-data.server";
import { purgeShop } from "../gdpr/shop-purge.server";
import { ingestAndRoute } from "../fulfillment/pipeline.server";
import { reconcileShopifyLevel, reconcileWooProduct } from "../inventory/channel-sync/index.server";
import { recordRefund } from "../inventory/restocks.server";
import { orderFromWebhook } from "../shopify/order-mapping";
import { refundLinesFromWebhook } from "../shopify/refund-mapping";

const jobSchema = z.object({ shopId: z.uuid(), eventRowId: z.uuid() });

interface EventRow {
  id: string;
  provider: string;
  topic: string;
  payload: unknown;
  channelId: string | null;
}

/** WooCommerce sends the order as it is at delivery time: ingest it like a poll would. */
async function applyWooCommerceEvent(db: ShopDatabase, event: EventRow): Promise<string> {
  if (!event.channelId) return "ignored: no channel";
  switch (event.topic) {
    case "order.created":
    case "order.updated": {
      const { outcome, restocked } = await ingestWooOrder(db, event.channelId, wooOrderSchema.parse(event.payload));
      return restocked > 0 ? `${outcome} restocked:${restocked}` : outcome;
    }
    case "product.updated":
      // Stock edited in WooCommerce: Rappit's quantity wins for a managed SKU.
      return `stock:${await reconcileWooProduct(db, event.channelId, event.payload)}`;
    default:
      return "ignored";
  }
}

async function applyShopifyEvent(db: ShopDatabase, base: Database, shopDomain: string, event: EventRow): Promise<string> {
  switch (event.topic) {
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
    case "ORDERS_CANCELLED": {
      const order = orderFromWebhook(event.payload);
      const channel = await ensureShopifyChannel(db, shopDomain);
      return ingestAndRoute(db, channel.id, order);
    }
    case "REFUNDS_CREATE": {
      const channel = await ensureShopifyChannel(db, shopDomain);
      // Once per refund line, however often the refund arrives; restocked units go back on sale.
      const { recorded, restocked } = await recordRefund(db, channel.id, refundLinesFromWebhook(event.payload));
      return `refund-lines:${recorded} restocked:${restocked}`;
    }
    case "INVENTORY_LEVELS_UPDATE":
      // Stock edited in Shopify: Rappit's quantity wins for a managed SKU (docs/inventory.md).
      return `stock:${await reconcileShopifyLevel(db, event.payload)}`;
    case "CUSTOMERS_DATA_REQUEST":
      return `exported:${(await exportCustomerData(db, event.payload)).orders}`;
    case "CUSTOMERS_REDACT":
      return `redacted:${(await redactCustomer(db, event.payload)).orders}`;
    case "SHOP_REDACT":
      await purgeShop(base, shopDomain);
      return "shop-purged";
    default:
      return "ignored";
  }
}

export async function processInboundEvent(data: unknown, base: Database = getPrisma()): Promise<{ outcome: string }> {
  const { shopId, eventRowId } = jobSchema.parse(data);
  const shop = await base.shop.findUnique({ where: { id: shopId } });
  if (!shop) return { outcome: "shop-gone" };
  const db = forShop(shopId, base);
  const event = await db.webhookEvent.findUnique({ where: { id: eventRowId } });
  if (!event) return { outcome: "event-gone" }; // purged with its shop
  if (event.processedAt) return { outcome: event.outcome ?? "processed" };

  let outcome: string;
  try {
    outcome =
      event.provider === "SHOPIFY"
        ? await applyShopifyEvent(db, base, shop.domain, event)
        : event.provider === "WOOCOMMERCE"
          ? await applyWooCommerceEvent(db, event)
          : "ignored";
  } catch (error) {
    // A payload that does not validate will not validate on retry either: record why, finish.
    if (!(error instanceof ZodError)) throw error;
    outcome = `rejected: ${error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`.slice(0, 500);
  }
  await db.webhookEvent.updateMany({ where: { id: eventRowId, processedAt: null }, data: { processedAt: new Date(), outcome } });
  return { outcome };
}
