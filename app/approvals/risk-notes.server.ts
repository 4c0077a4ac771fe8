// Why an admin may hesitate before shipping a COD order, from Rappit's own orders of the
// shop: a first-time buyer, earlier cancelled or rejected orders with the same phone or
// email, no phone to call before delivery, an unusually large total; plus what the shop's
// checkout pixel saw (app/pixel/risk.server.ts), when it saw anything.
import type { ShopDatabase } from "../db/prisma.server";
import { pixelRiskNotes, type PixelRiskNote } from "../pixel/risk.server";

export interface RiskNote {
  code: "FIRST_ORDER" | "EARLIER_CANCELLATIONS" | "NO_PHONE" | "LARGE_TOTAL" | PixelRiskNote["code"];
  text: string;
}

const LARGE_TOTAL_FACTOR = 3;
const MIN_ORDERS_FOR_AVERAGE = 5;

export async function computeRiskNotes(
  db: ShopDatabase,
  order: { id: string; email: string | null; phone: string | null; totalPrice: { toString(): string }; currency: string },
): Promise<RiskNote[]> {
  const notes: RiskNote[] = [];
  const sameBuyer = [
    ...(order.email ? [{ email: { equals: order.email, mode: "insensitive" as const } }] : []),
    ...(order.phone ? [{ phone: order.phone }] : []),
  ];
  if (sameBuyer.length > 0) {
    const earlier = await db.order.groupBy({
      by: ["status"],
      where: { id: { not: order.id }, OR: sameBuyer },
      _count: { _all: true },
    });
    const total = earlier.reduce((sum, row) => sum + row._count._all, 0);
    const bad = earlier.filter((row) => row.status === "CANCELLED" || row.status === "REJECTED").reduce((sum, row) => sum + row._count._all, 0);
    if (total === 0) notes.push({ code: "FIRST_ORDER", text: "First order from this buyer (no earlier order with this email or phone)." });
    if (bad > 0) notes.push({ code: "EARLIER_CANCELLATIONS", text: `${bad} earlier order${bad === 1 ? " was" : "s were"} cancelled or rejected for this email or phone.` });
  } else {
    notes.push({ code: "FIRST_ORDER", text: "No email or phone: the buyer cannot be matched with earlier orders." });
  }
  if (!order.phone) notes.push({ code: "NO_PHONE", text: "No phone number to confirm the delivery with the buyer." });

  const stats = await db.order.aggregate({ where: { id: { not: order.id }, currency: order.currency }, _avg: { totalPrice: true }, _count: { _all: true } });
  const average = stats._avg.totalPrice ? Number(stats._avg.totalPrice) : null;
  const total = Number(order.totalPrice.toString());
  if (average && stats._count._all >= MIN_ORDERS_FOR_AVERAGE && total > LARGE_TOTAL_FACTOR * average) {
    notes.push({ code: "LARGE_TOTAL", text: `Total ${total.toFixed(2)} ${order.currency} is more than ${LARGE_TOTAL_FACTOR}× the shop's average order (${average.toFixed(2)}).` });
  }
  notes.push(...(await pixelRiskNotes(db, order)));
  return notes;
}
