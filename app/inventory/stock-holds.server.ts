// Orders held because a line was short get another try when stock comes in
// (an import, a manual adjustment, a cancellation, a restock): oldest first, so
// the first customer to wait is the first served.
import { z } from "zod";
import { forShop, getPrisma } from "../db/prisma.server";
import { routeReservedOrder } from "../fulfillment/pipeline.server";
import { loggerFor } from "../logging/logger.server";
import { afterStockChange } from "./order-stock.server";
import { OUT_OF_STOCK_PREFIX, reserveOrderStock } from "./reservations.server";

const logger = loggerFor("inventory");
const jobSchema = z.object({ shopId: z.uuid() });
const BATCH = 200;

export async function runStockHoldRetry(data: unknown) {
  const { shopId } = jobSchema.parse(data);
  const shop = await getPrisma().shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true, redactedAt: true } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const held = await db.order.findMany({
    where: { status: "ON_HOLD", stockReservedAt: null, cancelledAt: null, holdReason: { startsWith: OUT_OF_STOCK_PREFIX } },
    orderBy: [{ externalCreatedAt: "asc" }, { id: "asc" }],
    select: { id: true },
    take: BATCH,
  });
  let released = 0;
  for (const order of held) {
    const result = await reserveOrderStock(db, order.id);
    if (result.status === "short") continue; // still short: its hold reason stays as it was
    released += 1;
    await routeReservedOrder(db, order.id);
  }
  if (released > 0) await afterStockChange(shopId, { stockIn: false });
  logger.info({ shopId, checked: held.length, released }, "stock holds retried");
  return { checked: held.length, released };
}
