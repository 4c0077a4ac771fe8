// Stock changed on a channel outside Rappit (inventory_levels/update from Shopify,
// product.updated from WooCommerce). Rappit is the source of truth for a managed SKU,
// so the channel is corrected, not followed: when the reported quantity differs from
// Rappit's, the item's version is bumped and a push sets the channel back. Our own
// pushes echo back as these webhooks with Rappit's quantity, which matches and does
// nothing, so there is no ping-pong. While a push is pending the report is ignored:
// that push reads the channel's current quantity and corrects it anyway.
import { z } from "zod";
import { getPrisma, pgPoolOf, type ShopDatabase } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { requestInventoryPush } from "../push-requests.server";
import { inventoryItemGid, locationGid } from "./shopify-inventory-mapping";

const logger = loggerFor("inventory");

export type ReconcileOutcome = "corrected" | "in-sync" | "not-managed" | "push-pending" | "other-location";

interface Tracked {
  id: string;
  sku: string;
  available: number;
  behind: boolean;
  location: string | null;
}

// Bumps only an item that is in step with its channels and still disagrees: two
// reports of one change never queue two corrections, and a change made meanwhile wins.
const BUMP = `UPDATE "InventoryItem" SET version = version + 1
  WHERE id = $1 AND "shopId" = $2 AND version = "syncedVersion" AND available IS DISTINCT FROM $3::int
  RETURNING id`;

async function correctIfDifferent(db: ShopDatabase, item: Tracked | undefined, reported: number | null, channel: string): Promise<ReconcileOutcome> {
  if (!item) return "not-managed";
  if (item.behind) return "push-pending";
  if (reported === item.available) return "in-sync";
  const { rowCount } = await pgPoolOf(db).query({ name: "inventory-reconcile-bump", text: BUMP, values: [item.id, db.$shopId(), reported] });
  if (!rowCount) return "push-pending"; // it changed in between: a push is on its way
  logger.info({ shopId: db.$shopId(), sku: item.sku, channel, reported, rappit: item.available }, "channel changed outside Rappit: corrected");
  await requestInventoryPush(db.$shopId());
  return "corrected";
}

const shopifyLevelSchema = z
  .object({
    inventory_item_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    location_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    available: z.number().int().nullable(),
    updated_at: z.string().optional(),
  })
  .loose();

/** inventory_levels/update: `available` of one item at one location. */
export async function reconcileShopifyLevel(db: ShopDatabase, payload: unknown): Promise<ReconcileOutcome> {
  const level = shopifyLevelSchema.parse(payload);
  const { rows } = await pgPoolOf(db).query<Tracked>({
    name: "inventory-reconcile-shopify",
    text: `SELECT id, sku, available, version > "syncedVersion" AS behind, "shopifyLocationId" AS location
             FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyInventoryItemId" = $2`,
    values: [db.$shopId(), inventoryItemGid(level.inventory_item_id)],
  });
  const item = rows[0];
  if (!item) return "not-managed";
  // Rappit keeps one location per item: the shop's primary one unless the item names another.
  const location = item.location ?? (await getPrisma().shop.findUnique({ where: { id: db.$shopId() }, select: { primaryLocationId: true } }))?.primaryLocationId;
  if (location !== locationGid(level.location_id)) return "other-location";
  return correctIfDifferent(db, item, level.available, "shopify");
}

const wooProductSchema = z
  .object({
    id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    parent_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).nullish(),
    type: z.string().nullish(),
    manage_stock: z.union([z.boolean(), z.string()]).nullish(),
    stock_quantity: z.number().nullish(),
  })
  .loose();

/** product.updated of a product or a variation (the payload is the resource as /products/<id> shows it). */
export async function reconcileWooProduct(db: ShopDatabase, channelId: string, payload: unknown): Promise<ReconcileOutcome> {
  const product = wooProductSchema.parse(payload);
  const id = Number(product.id);
  const parent = Number(product.parent_id ?? 0);
  const variation = product.type === "variation" || parent > 0;
  const { rows } = await pgPoolOf(db).query<Tracked>({
    name: "inventory-reconcile-woo",
    text: `SELECT id, sku, available, version > "syncedVersion" AS behind, NULL AS location
             FROM "InventoryItem"
            WHERE "shopId" = $1 AND "wooChannelId" = $2 AND "wooProductId" = $3 AND "wooVariationId" IS NOT DISTINCT FROM $4::int`,
    values: [db.$shopId(), channelId, variation ? parent : id, variation ? id : null],
  });
  // Stock not managed in WooCommerce counts as different: the push turns management back on.
  const reported = product.manage_stock === true && typeof product.stock_quantity === "number" ? Math.trunc(product.stock_quantity) : null;
  return correctIfDifferent(db, rows[0], reported, "woocommerce");
}
