// When the order page may offer "Create shipping label". One rule for the summary's
// `canBuyLabel` and for the purchase itself, so the button and the answer agree.
import { OUT_OF_STOCK_PREFIX } from "../inventory/reservations.server";

export interface LabelRuleOrder {
  status: string;
  cod: boolean;
  cancelledAt: Date | null;
  stockReservedAt: Date | null;
  holdReason: string | null;
}

/** An order on hold because stock is short: no parcel can be packed yet. */
export const isStockHold = (order: LabelRuleOrder) =>
  order.status === "ON_HOLD" && (order.stockReservedAt === null || (order.holdReason ?? "").startsWith(OUT_OF_STOCK_PREFIX));

/**
 * Why no label can be bought for the order in its state, or null when one can: APPROVED,
 * NEW prepaid (the shop has no carrier routing, labels are bought by hand), ON_HOLD for a
 * reason other than stock, or FULFILLING (the label may be missing or still pending).
 * Whether a label already exists is the caller's question (the purchase returns it).
 */
export function labelBlocker(order: LabelRuleOrder): string | null {
  if (order.cancelledAt || order.status === "CANCELLED") return "This order is cancelled.";
  switch (order.status) {
    case "APPROVED":
    case "FULFILLING":
      return null;
    case "NEW":
      // A NEW cash-on-delivery order has not been through approval yet.
      return order.cod ? "This cash-on-delivery order has not been approved yet." : null;
    case "ON_HOLD":
      return isStockHold(order) ? `This order is on hold: ${order.holdReason ?? "out of stock"}.` : null;
    case "PENDING_APPROVAL":
      return "This order is waiting for approval: approve it first.";
    case "REJECTED":
      return "This order was rejected.";
    case "FULFILLED":
      return "This order is already fulfilled.";
    default:
      return `A label cannot be bought for an order that is ${order.status.toLowerCase().replace(/_/g, " ")}.`;
  }
}
