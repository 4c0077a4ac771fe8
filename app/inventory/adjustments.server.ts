// A merchant's manual stock change from /app/inventory: set the available quantity
// or add/remove units. Conditional like every other change (removing more than is
// available is refused, not clamped), recorded as a MANUAL movement and audited.
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { recordAuditSql, type Actor } from "../security/audit.server";
import { afterStockChange } from "./order-stock.server";
import { withPgTransaction } from "../db/pg-transaction.server";

export const MAX_QUANTITY = 2_147_483_647;

export const adjustmentSchema = z.object({
  itemId: z.uuid({ message: "Choose a SKU to adjust." }),
  mode: z.enum(["set", "add"], { message: "Choose whether to set the quantity or add to it." }),
  quantity: z.coerce
    .number({ message: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(-MAX_QUANTITY, "That quantity is too large.")
    .max(MAX_QUANTITY, "That quantity is too large."),
});
export type Adjustment = z.infer<typeof adjustmentSchema>;

export class AdjustmentError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AdjustmentError";
  }
}

export interface AdjustmentResult {
  sku: string;
  before: number;
  after: number;
}

export async function adjustStock(db: ShopDatabase, adjustment: Adjustment, actor: Actor): Promise<AdjustmentResult> {
  const { itemId, mode, quantity } = adjustment;
  if (mode === "set" && quantity < 0) throw new AdjustmentError("Available stock cannot be set below 0.", 422);
  const shopId = db.$shopId();
  const result = await withPgTransaction(db, async (client) => {
    const { rows } = await client.query<{ sku: string; available: number }>({
      text: `SELECT sku, available FROM "InventoryItem" WHERE id = $1 AND "shopId" = $2 FOR UPDATE`,
      values: [itemId, shopId],
    });
    if (rows.length === 0) throw new AdjustmentError("That SKU does not exist in this shop.", 404);
    const before = rows[0].available;
    const after = mode === "set" ? quantity : before + quantity;
    if (after < 0) throw new AdjustmentError(`Only ${before} of ${rows[0].sku} are available: you cannot remove ${-quantity}.`, 422);
    if (after > MAX_QUANTITY) throw new AdjustmentError("That quantity is too large.", 422);
    if (after === before) return { sku: rows[0].sku, before, after };
    await client.query({
      text: `WITH item AS (
               UPDATE "InventoryItem" SET available = $3::int, version = version + 1, "updatedAt" = now()
                WHERE id = $1 AND "shopId" = $2
            RETURNING id, sku, available)
             INSERT INTO "InventoryMovement" ("shopId", "inventoryItemId", sku, reason, delta, "availableAfter", "actorEmail")
             SELECT $2, id, sku, 'MANUAL', $4::int, available, $5 FROM item`,
      values: [itemId, shopId, after, after - before, actor.type === "USER" ? (actor.email ?? null) : null],
    });
    await recordAuditSql(client, shopId, {
      actor,
      action: "INVENTORY_ADJUSTED",
      subject: { type: "InventoryItem", id: itemId },
      before: { sku: rows[0].sku, available: before },
      after: { sku: rows[0].sku, available: after, mode, quantity },
    });
    return { sku: rows[0].sku, before, after };
  });
  if (result.after !== result.before) await afterStockChange(shopId, { stockIn: result.after > result.before });
  return result;
}
