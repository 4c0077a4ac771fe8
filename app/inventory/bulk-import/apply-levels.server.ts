// Applying a checked file, set-based, inside the import's transaction: lock the items
// in SKU order (COLLATE "C", as order reservations do, so the two never deadlock), then
// one statement sets the levels that differ and records a movement for each.
import type { PgClient } from "../../db/pg-transaction.server";
import { STAGE_TABLE } from "./staging.server";

// The subquery's ORDER BY sits under the row locks: rows are locked in that order.
const LOCK_ITEMS = `
SELECT count(*)::int AS locked FROM (
  SELECT 1 FROM "InventoryItem" i
    JOIN ${STAGE_TABLE} s ON s.sku = i.sku
   WHERE i."shopId" = $1
   ORDER BY i.sku COLLATE "C"
     FOR UPDATE OF i) rows_in_sku_order`;

// `before` reads the pre-update row (one statement, one snapshot); the rows are locked,
// so it is the value the movement's delta is taken from. `version` moves only with
// `available`: channels are pushed levels, not titles.
const APPLY = `
WITH before AS (
  SELECT i.id, i.available AS old_available, i.title AS old_title, s.available, s.title
    FROM "InventoryItem" i
    JOIN ${STAGE_TABLE} s ON s.sku = i.sku
   WHERE i."shopId" = $1
     AND (i.available <> s.available OR (s.title IS NOT NULL AND s.title <> i.title))),
changed AS (
  UPDATE "InventoryItem" i
     SET available = b.available,
         title = coalesce(b.title, i.title),
         version = i.version + CASE WHEN b.available <> b.old_available THEN 1 ELSE 0 END,
         "updatedAt" = now()
    FROM before b
   WHERE i.id = b.id AND i."shopId" = $1
RETURNING i.id, i.sku, i.available, b.old_available),
moved AS (
  INSERT INTO "InventoryMovement" ("shopId", "inventoryItemId", sku, reason, delta, "reservedDelta", "availableAfter", reference, "actorEmail")
  SELECT $1, id, sku, 'IMPORT', available - old_available, 0, available, $2, $3
    FROM changed WHERE available <> old_available
  RETURNING 1)
SELECT (SELECT count(*) FROM moved)::int AS changed,
       count(*) FILTER (WHERE available > old_available)::int AS increased,
       count(*) FILTER (WHERE available = old_available)::int AS retitled
  FROM changed`;

export interface AppliedLevels {
  /** Items whose `available` changed (one movement each). */
  changed: number;
  /** Of those, items whose `available` went up: held orders may now be served. */
  increased: number;
  /** Items whose title alone changed. */
  retitled: number;
}

export async function applyLevels(client: PgClient, input: { shopId: string; reference: string; actorEmail: string | null }): Promise<AppliedLevels> {
  await client.query(LOCK_ITEMS, [input.shopId]);
  const { rows } = await client.query<AppliedLevels>(APPLY, [input.shopId, input.reference, input.actorEmail]);
  return rows[0];
}
