// Order stock as the order pipeline sees it: reserve or hold, release on cancel,
// settle on shipment, and tell the channels (and held orders) about the change.
import type { ShopDatabase } from "../db/prisma.server";
import { recordStockOutcome } from "../metrics/record.server";
import { transitionOrder } from "../orders/order-state.server";
import { requestInventoryPush, requestStockHoldRetry } from "./push-requests.server";
import { outOfStockReason, reserveOrderStock, settleOrderStock } from "./reservations.server";

const SYSTEM = { type: "WORKER" as const, id: "inventory" };

/** Channels hear of every change of `available`; stock coming in also wakes orders held for it. */
export async function afterStockChange(shopId: string, change: { stockIn: boolean }): Promise<void> {
  await requestInventoryPush(shopId);
  if (change.stockIn) await requestStockHoldRetry(shopId);
}

/**
 * Reserves the order's stock; when a line is short nothing is reserved and the order
 * goes ON_HOLD with the short lines named. Answers whether the order may go on.
 */
export async function reserveOrHold(db: ShopDatabase, orderId: string): Promise<"reserved" | "held"> {
  const result = await reserveOrderStock(db, orderId);
  if (result.status === "short") {
    await transitionOrder(db, orderId, "ON_HOLD", { actor: SYSTEM, reason: outOfStockReason(result.short) });
    recordStockOutcome("held");
    return "held";
  }
  if (result.status === "reserved") {
    recordStockOutcome("reserved");
    await afterStockChange(db.$shopId(), { stockIn: false });
  }
  return "reserved";
}

/** Cancelled or rejected: what the order held goes back on sale. Safe to repeat. */
export async function releaseOrderStock(db: ShopDatabase, orderId: string): Promise<number> {
  const released = await settleOrderStock(db, orderId, "CANCEL_RELEASE");
  if (released.length > 0) {
    recordStockOutcome("released");
    await afterStockChange(db.$shopId(), { stockIn: true });
  }
  return released.length;
}

/** Shipped: the reservation becomes a shipped movement (available does not change). Safe to repeat. */
export async function shipOrderStock(db: ShopDatabase, orderId: string): Promise<number> {
  const shipped = (await settleOrderStock(db, orderId, "SHIPPED")).length;
  if (shipped > 0) recordStockOutcome("shipped");
  return shipped;
}
