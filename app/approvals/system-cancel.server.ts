// The order was cancelled on its channel while waiting: its approval is closed by the
// system, so the links stop working and the list no longer offers it. Import-light: the
// fulfillment pipeline calls it from cancelOrder.
import type { ShopDatabase } from "../db/prisma.server";

export async function cancelPendingApproval(db: ShopDatabase, orderId: string): Promise<boolean> {
  const { count } = await db.approval.updateMany({
    where: { orderId, status: "PENDING" },
    data: { status: "CANCELLED", decidedAt: new Date(), decidedVia: "SYSTEM", decidedById: "system", reason: "the order was cancelled on the sales channel" },
  });
  return count > 0;
}
