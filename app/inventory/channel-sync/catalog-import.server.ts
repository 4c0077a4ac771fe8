// IMPORT_CATALOG_JOB: read the channels' catalogs and bring their SKUs under Rappit.
// The rule: a channel's quantity is imported only when a SKU first becomes managed,
// from the first channel that has it (Shopify first, then each WooCommerce store in
// the order it was connected). After that Rappit is the source of truth: a SKU that
// already exists only gets its missing channel ids filled in, and its version bumped
// when a channel is newly mapped or shows another quantity, so the next push sends
// Rappit's quantity there. Running the import twice changes nothing the second time.
import type { Logger } from "pino";
import { z } from "zod";
import { webhookDeliveryUrl } from "../../channels/woocommerce/channel-jobs.server";
import type { WooCatalogEntry, WooClient } from "../../channels/woocommerce/client.server";
import { openWebhookSecret, wooClientFor } from "../../channels/woocommerce/credentials.server";
import { WooAuthError } from "../../channels/woocommerce/transport.server";
import { forShop, getPrisma, type ShopDatabase } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { offlineAdminClient } from "../../shopify/offline-admin.server";
import { ShopNeedsReauthError } from "../../shopify/offline-token.server";
import { withPgTransaction } from "../../db/pg-transaction.server";
import { requestInventoryPush } from "../push-requests.server";
import { importableQuantity } from "./shopify-inventory-mapping";
import { shopifyCatalog } from "./shopify-inventory.server";
import type { ShopifyPushDeps } from "./shopify-push.server";

const jobSchema = z.object({ shopId: z.uuid() });

/** One SKU as a channel has it. `quantity` null: the channel does not count its stock. */
interface CatalogRow {
  sku: string;
  title: string;
  quantity: number | null;
  shopify?: { inventoryItemId: string; locationId: string };
  woo?: { channelId: string; productId: number; variationId: number | null };
}

export interface ChannelImport {
  channel: string;
  seen: number;
  created: number;
  mapped: number;
  error?: string;
}

// New SKUs, with the channel's quantity and a SYNC movement explaining it.
const INSERT_NEW = `WITH d AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::uuid[], $8::int[], $9::int[])
      AS d(sku, title, qty, inv, loc, woo_channel, woo_product, woo_variation)),
  inserted AS (
    INSERT INTO "InventoryItem" ("shopId", sku, title, available, "shopifyInventoryItemId", "shopifyLocationId", "wooChannelId", "wooProductId", "wooVariationId")
    SELECT $1, sku, title, qty, inv, loc, woo_channel, woo_product, woo_variation FROM d
    ON CONFLICT ("shopId", sku) DO NOTHING
    RETURNING id, sku, available)
INSERT INTO "InventoryMovement" ("shopId", "inventoryItemId", sku, reason, delta, "reservedDelta", "availableAfter", reference)
SELECT $1, id, sku, 'SYNC', available, 0, available, $10::text FROM inserted
ON CONFLICT DO NOTHING
RETURNING "inventoryItemId"`;

// Existing SKUs on Shopify: map the item if it has no Shopify item yet; bump the version
// when newly mapped or when Shopify shows another quantity (the push then corrects it).
const MAP_SHOPIFY = `WITH d AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS d(sku, title, qty, inv, loc))
UPDATE "InventoryItem" AS i
   SET "shopifyInventoryItemId" = COALESCE(i."shopifyInventoryItemId", d.inv),
       "shopifyLocationId" = CASE WHEN i."shopifyInventoryItemId" IS NULL THEN d.loc ELSE i."shopifyLocationId" END,
       title = CASE WHEN i.title = '' THEN d.title ELSE i.title END,
       version = i.version + 1, "updatedAt" = now()
  FROM d
 WHERE i."shopId" = $1 AND i.sku = d.sku AND NOT (i.id = ANY($7::uuid[]))
   AND (i."shopifyInventoryItemId" IS NULL
        OR (i."shopifyInventoryItemId" = d.inv AND i.available IS DISTINCT FROM d.qty))
RETURNING i.id`;

const MAP_WOO = `WITH d AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::uuid[], $6::int[], $7::int[]) AS d(sku, title, qty, woo_channel, woo_product, woo_variation))
UPDATE "InventoryItem" AS i
   SET "wooChannelId" = CASE WHEN i."wooProductId" IS NULL THEN d.woo_channel ELSE i."wooChannelId" END,
       "wooVariationId" = CASE WHEN i."wooProductId" IS NULL THEN d.woo_variation ELSE i."wooVariationId" END,
       "wooProductId" = COALESCE(i."wooProductId", d.woo_product),
       title = CASE WHEN i.title = '' THEN d.title ELSE i.title END,
       version = i.version + 1, "updatedAt" = now()
  FROM d
 WHERE i."shopId" = $1 AND i.sku = d.sku AND NOT (i.id = ANY($8::uuid[]))
   AND (i."wooProductId" IS NULL
        OR (i."wooChannelId" = d.woo_channel AND i."wooProductId" = d.woo_product
            AND i."wooVariationId" IS NOT DISTINCT FROM d.woo_variation AND i.available IS DISTINCT FROM d.qty))
RETURNING i.id`;

/** Applies one page of one channel's catalog in one transaction. */
async function applyPage(db: ShopDatabase, reference: string, rows: CatalogRow[]): Promise<{ created: number; mapped: number }> {
  // A SKU twice on one channel (Shopify allows it): the first one counts.
  const seen = new Set<string>();
  const page = rows.filter((row) => !seen.has(row.sku) && Boolean(seen.add(row.sku)));
  const shopId = db.$shopId();
  return withPgTransaction(db, async (client) => {
    const importable = page.filter((row) => row.quantity !== null);
    const inserted = await client.query<{ inventoryItemId: string }>({
      text: INSERT_NEW,
      values: [
        shopId,
        importable.map((r) => r.sku),
        importable.map((r) => r.title),
        importable.map((r) => importableQuantity(r.quantity)),
        importable.map((r) => r.shopify?.inventoryItemId ?? null),
        importable.map((r) => r.shopify?.locationId ?? null),
        importable.map((r) => r.woo?.channelId ?? null),
        importable.map((r) => r.woo?.productId ?? null),
        importable.map((r) => r.woo?.variationId ?? null),
        reference,
      ],
    });
    const createdIds = inserted.rows.map((row) => row.inventoryItemId);
    const shopifyRows = page.filter((r) => r.shopify);
    const wooRows = page.filter((r) => r.woo);
    const mapped = shopifyRows.length
      ? await client.query({
          text: MAP_SHOPIFY,
          values: [
            shopId,
            shopifyRows.map((r) => r.sku),
            shopifyRows.map((r) => r.title),
            shopifyRows.map((r) => (r.quantity === null ? null : importableQuantity(r.quantity))),
            shopifyRows.map((r) => r.shopify!.inventoryItemId),
            shopifyRows.map((r) => r.shopify!.locationId),
            createdIds,
          ],
        })
      : await client.query({
          text: MAP_WOO,
          values: [
            shopId,
            wooRows.map((r) => r.sku),
            wooRows.map((r) => r.title),
            wooRows.map((r) => (r.quantity === null ? null : importableQuantity(r.quantity))),
            wooRows.map((r) => r.woo!.channelId),
            wooRows.map((r) => r.woo!.productId),
            wooRows.map((r) => r.woo!.variationId),
            createdIds,
          ],
        });
    return { created: createdIds.length, mapped: mapped.rowCount ?? 0 };
  });
}

async function importShopify(db: ShopDatabase, shop: { domain: string; primaryLocationId: string | null; tokenStatus: string }, logger: Logger, deps: ShopifyPushDeps): Promise<ChannelImport> {
  const result: ChannelImport = { channel: "shopify", seen: 0, created: 0, mapped: 0 };
  const channel = await db.channel.findFirst({ where: { type: "SHOPIFY", externalId: shop.domain }, select: { id: true, status: true } });
  if (channel?.status === "DISCONNECTED") return { ...result, error: "the Shopify channel is disconnected" };
  const locationId = shop.primaryLocationId;
  if (!locationId) return { ...result, error: "the shop's primary location is not known yet" };
  if (shop.tokenStatus === "NEEDS_REAUTH") return { ...result, error: "Shopify needs an admin to open Rappit again" };
  let client;
  try {
    client = await (deps.client ?? ((domain: string) => offlineAdminClient(domain)))(shop.domain);
  } catch (error) {
    if (!(error instanceof ShopNeedsReauthError)) throw error;
    return { ...result, error: "Shopify needs an admin to open Rappit again" };
  }
  for await (const entries of shopifyCatalog(client, locationId, logger)) {
    // Items Shopify does not track, or not stocked at the primary location, are not Rappit's to keep.
    const rows: CatalogRow[] = entries
      .filter((entry) => entry.tracked && entry.available !== null)
      .map((entry) => ({ sku: entry.sku, title: entry.title, quantity: entry.available, shopify: { inventoryItemId: entry.inventoryItemId, locationId } }));
    result.seen += rows.length;
    if (rows.length === 0) continue;
    const applied = await applyPage(db, "catalog:shopify", rows);
    result.created += applied.created;
    result.mapped += applied.mapped;
  }
  return result;
}

/** Simple products and variations that carry a SKU (a variable product's own row is not stock). */
function wooRows(channelId: string, entries: WooCatalogEntry[]): CatalogRow[] {
  return entries
    .filter((entry) => entry.sku.trim() !== "" && entry.type !== "variable" && entry.type !== "grouped" && entry.type !== "external")
    .map((entry) => ({
      sku: entry.sku.trim(),
      title: entry.name,
      // Unmanaged stock has no quantity to import; the first push turns management on.
      quantity: entry.manageStock ? entry.stockQuantity : null,
      woo: entry.type === "variation"
        ? { channelId, productId: entry.parentId, variationId: entry.id }
        : { channelId, productId: entry.id, variationId: null },
    }));
}

/**
 * Stock changes made in WooCommerce reach Rappit through product.updated. The
 * subscription is inventory's own, so it is made here (after setup created the
 * secret) and listed with the channel's webhooks, which disconnect deletes.
 */
async function ensureProductWebhook(db: ShopDatabase, channel: { id: string; webhookSecret: string | null }, client: WooClient): Promise<void> {
  const secret = openWebhookSecret(channel);
  if (!secret) return; // setup has not run yet: it requests another import when it has
  const url = webhookDeliveryUrl(channel.id);
  const hooks = await client.listWebhooks();
  if (hooks.some((hook) => hook.delivery_url === url && hook.topic === "product.updated" && hook.status === "active")) return;
  const created = await client.createWebhook({ name: "Rappit product.updated", topic: "product.updated", deliveryUrl: url, secret });
  await db.channel.updateMany({ where: { id: channel.id }, data: { webhookIds: { push: created.id } } });
}

async function importWoo(db: ShopDatabase, channel: { id: string; name: string; externalId: string; credentials: string | null; webhookSecret: string | null }, logger: Logger): Promise<ChannelImport> {
  const result: ChannelImport = { channel: `woocommerce:${channel.id}`, seen: 0, created: 0, mapped: 0 };
  const client = wooClientFor(channel);
  const reference = `catalog:woocommerce:${channel.id}`;
  const apply = async (entries: WooCatalogEntry[]) => {
    const rows = wooRows(channel.id, entries);
    result.seen += rows.length;
    if (rows.length === 0) return;
    const applied = await applyPage(db, reference, rows);
    result.created += applied.created;
    result.mapped += applied.mapped;
  };
  try {
    for await (const products of client.listProducts()) {
      await apply(products);
      for (const product of products.filter((p) => p.type === "variable")) {
        for await (const variations of client.listVariations(product.id)) await apply(variations);
      }
    }
    await ensureProductWebhook(db, channel, client);
  } catch (error) {
    if (!(error instanceof WooAuthError)) throw error;
    await db.channel.updateMany({ where: { id: channel.id }, data: { status: "NEEDS_REAUTH", lastError: error.message.slice(0, 500) } });
    logger.warn({ channelId: channel.id }, "WooCommerce refused the keys during the catalog import");
    return { ...result, error: "the store refused Rappit's keys" };
  }
  return result;
}

export async function runCatalogImport(data: unknown, deps: ShopifyPushDeps & { logger?: Logger } = {}) {
  const { shopId } = jobSchema.parse(data);
  const logger = deps.logger ?? loggerFor("inventory");
  const shop = await getPrisma().shop.findUnique({ where: { id: shopId } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const channels: ChannelImport[] = [await importShopify(db, shop, logger, deps)];
  const stores = await db.channel.findMany({ where: { type: "WOOCOMMERCE", status: "CONNECTED", credentials: { not: null } }, orderBy: { createdAt: "asc" } });
  for (const store of stores) channels.push(await importWoo(db, store, logger));
  await requestInventoryPush(shopId);
  logger.info({ shopId, channels }, "catalog imported");
  return { channels };
}
