// Refunds that put stock back: Shopify refunds/create lines with restock_type
// return, cancel or legacy_restock, and WooCommerce refunds with "restock refunded
// items". Each refund line counts once (recorded in RefundLine in the same
// transaction as the stock change). Units the order still holds are released from
// its reservation first; a "cancel" restock never adds more than that (the units
// never left), a return adds the rest back to available (they came back).
import type { ShopDatabase } from "../db/prisma.server";
import { withPgTransaction, type PgClient } from "../db/pg-transaction.server";
import { lockOrder, reduceReservation } from "./reservations.server";

export interface RefundLineInput {
  externalOrderId: string;
  externalRefundId: string;
  externalRefundLineId: string;
  externalLineId: string;
  quantity: number;
  /** return | cancel | legacy_restock | no_restock */
  restockType: string;
  /** The refunded line's SKU from the payload, for orders Rappit never stored. */
  sku?: string | null;
}

export interface RestockOutcome {
  recorded: number;
  restocked: number;
}

const RESTOCKING_TYPES = new Set(["return", "cancel", "legacy_restock"]);

async function orderIdOf(client: PgClient, shopId: string, channelId: string, externalOrderId: string): Promise<string | null> {
  const { rows } = await client.query<{ id: string }>({
    name: "inventory-order-by-external-id",
    text: `SELECT id FROM "Order" WHERE "shopId" = $1 AND "channelId" = $2 AND "externalOrderId" = $3`,
    values: [shopId, channelId, externalOrderId],
  });
  return rows[0]?.id ?? null;
}

/** Inserts the refund lines; answers the ones that were new (a redelivery inserts none). */
async function insertNewRefundLines(client: PgClient, shopId: string, channelId: string, lines: RefundLineInput[]): Promise<Set<string>> {
  const { rows } = await client.query<{ externalRefundLineId: string }>({
    name: "inventory-insert-refund-lines",
    text: `INSERT INTO "RefundLine" (id, "shopId", "channelId", "externalOrderId", "externalRefundId", "externalRefundLineId", "externalLineId", quantity, "restockType")
           SELECT gen_random_uuid(), $1, $2, o, r, rl, l, q, t
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[]) AS x(o, r, rl, l, q, t)
           ON CONFLICT ("shopId", "channelId", "externalRefundLineId") DO NOTHING
           RETURNING "externalRefundLineId"`,
    values: [
      shopId,
      channelId,
      lines.map((line) => line.externalOrderId),
      lines.map((line) => line.externalRefundId),
      lines.map((line) => line.externalRefundLineId),
      lines.map((line) => line.externalLineId),
      lines.map((line) => line.quantity),
      lines.map((line) => line.restockType),
    ],
  });
  return new Set(rows.map((row) => row.externalRefundLineId));
}

interface Target {
  line: RefundLineInput;
  itemId: string;
  sku: string;
}

/** The inventory item each restocking line refers to (by the order line's SKU), sorted by SKU for the lock order. */
async function targetsOf(client: PgClient, shopId: string, orderId: string | null, lines: RefundLineInput[]): Promise<Target[]> {
  const skus = new Map<string, string | null>();
  if (orderId) {
    const { rows } = await client.query<{ externalLineId: string; sku: string | null }>({
      name: "inventory-order-line-skus",
      text: `SELECT "externalLineId", sku FROM "OrderLine" WHERE "shopId" = $1 AND "orderId" = $2`,
      values: [shopId, orderId],
    });
    for (const row of rows) skus.set(row.externalLineId, row.sku);
  }
  const wanted = lines
    .map((line) => ({ line, sku: skus.get(line.externalLineId) ?? line.sku ?? null }))
    .filter((entry): entry is { line: RefundLineInput; sku: string } => Boolean(entry.sku));
  if (wanted.length === 0) return [];
  const { rows } = await client.query<{ id: string; sku: string }>({
    name: "inventory-items-by-sku",
    text: `SELECT id, sku FROM "InventoryItem" WHERE "shopId" = $1 AND sku = ANY($2::text[])`,
    values: [shopId, wanted.map((entry) => entry.sku)],
  });
  const itemIds = new Map(rows.map((row) => [row.sku, row.id]));
  return wanted
    .filter((entry) => itemIds.has(entry.sku))
    .map((entry) => ({ ...entry, itemId: itemIds.get(entry.sku)! }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

async function restockOne(client: PgClient, shopId: string, channelId: string, orderId: string | null, target: Target): Promise<boolean> {
  const { line, itemId } = target;
  let fromReservation = 0;
  let reservationId: string | null = null;
  if (orderId) {
    const { rows } = await client.query<{ id: string; quantity: number }>({
      name: "inventory-reservation-of-item",
      text: `SELECT id, quantity FROM "InventoryReservation" WHERE "shopId" = $1 AND "orderId" = $2 AND "inventoryItemId" = $3 FOR UPDATE`,
      values: [shopId, orderId, itemId],
    });
    reservationId = rows[0]?.id ?? null;
    fromReservation = Math.min(rows[0]?.quantity ?? 0, line.quantity);
  }
  const backToStock = line.restockType === "cancel" ? 0 : line.quantity - fromReservation;
  const delta = fromReservation + backToStock;
  if (delta === 0) return false;
  await client.query({
    name: "inventory-restock",
    text: `WITH item AS (
             UPDATE "InventoryItem"
                SET available = available + $3::int, reserved = reserved - $4::int, version = version + 1, "updatedAt" = now()
              WHERE id = $1 AND "shopId" = $2
          RETURNING id, sku, available)
           INSERT INTO "InventoryMovement" ("shopId", "inventoryItemId", sku, reason, delta, "reservedDelta", "availableAfter", reference)
           SELECT $2, id, sku, 'REFUND_RESTOCK', $3::int, -$4::int, available, $5::text FROM item`,
    values: [itemId, shopId, delta, fromReservation, `refund-line:${channelId}:${line.externalRefundLineId}`],
  });
  if (reservationId && fromReservation > 0) await reduceReservation(client, shopId, reservationId, fromReservation);
  return true;
}

async function applyWithin(client: PgClient, shopId: string, channelId: string, lines: RefundLineInput[], orderId: string | null): Promise<RestockOutcome> {
  const fresh = await insertNewRefundLines(client, shopId, channelId, lines);
  const restocking = lines.filter((line) => fresh.has(line.externalRefundLineId) && line.quantity > 0 && RESTOCKING_TYPES.has(line.restockType));
  let restocked = 0;
  for (const target of await targetsOf(client, shopId, orderId, restocking)) {
    if (await restockOne(client, shopId, channelId, orderId, target)) restocked += 1;
  }
  return { recorded: fresh.size, restocked };
}

/** Records one refund's lines and puts restocked units back. Safe to repeat. */
export async function recordRefund(db: ShopDatabase, channelId: string, lines: RefundLineInput[]): Promise<RestockOutcome> {
  if (lines.length === 0) return { recorded: 0, restocked: 0 };
  const shopId = db.$shopId();
  const externalOrderId = lines[0].externalOrderId;
  return withPgTransaction(db, async (client) => {
    const orderId = await orderIdOf(client, shopId, channelId, externalOrderId);
    if (orderId) await lockOrder(client, shopId, orderId);
    return applyWithin(client, shopId, channelId, lines, orderId);
  });
}

export const WOO_RESTOCK_REFUND_ID = "woocommerce-restock";

/**
 * WooCommerce keeps, on each order line, how many units its refunds restocked so far
 * (`_restock_refunded_items`, cumulative). The units not yet counted become one refund
 * line keyed by the new total, so a repeated or reordered delivery counts them once.
 */
export async function recordWooRestocks(db: ShopDatabase, channelId: string, externalOrderId: string, restocked: Array<{ externalLineId: string; total: number }>): Promise<RestockOutcome> {
  const counted = restocked.filter((line) => line.total > 0);
  if (counted.length === 0) return { recorded: 0, restocked: 0 };
  const shopId = db.$shopId();
  return withPgTransaction(db, async (client) => {
    const orderId = await orderIdOf(client, shopId, channelId, externalOrderId);
    if (!orderId) return { recorded: 0, restocked: 0 };
    await lockOrder(client, shopId, orderId);
    const { rows } = await client.query<{ externalLineId: string; quantity: number }>({
      text: `SELECT "externalLineId", sum(quantity)::int AS quantity FROM "RefundLine"
              WHERE "shopId" = $1 AND "channelId" = $2 AND "externalOrderId" = $3 AND "externalRefundId" = $4
              GROUP BY "externalLineId"`,
      values: [shopId, channelId, externalOrderId, WOO_RESTOCK_REFUND_ID],
    });
    const already = new Map(rows.map((row) => [row.externalLineId, row.quantity]));
    const lines: RefundLineInput[] = counted
      .filter((line) => line.total > (already.get(line.externalLineId) ?? 0))
      .map((line) => ({
        externalOrderId,
        externalRefundId: WOO_RESTOCK_REFUND_ID,
        externalRefundLineId: `woo-restock:${line.externalLineId}:${line.total}`,
        externalLineId: line.externalLineId,
        quantity: line.total - (already.get(line.externalLineId) ?? 0),
        restockType: "return",
      }));
    if (lines.length === 0) return { recorded: 0, restocked: 0 };
    return applyWithin(client, shopId, channelId, lines, orderId);
  });
}
