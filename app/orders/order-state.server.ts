// The one place an order's pipeline state changes. Every transition is checked
// against the allowed moves (an illegal one is an error, never a silent overwrite),
// applied with a conditional update (two racing writers cannot both win) and audited.
import type { Actor } from "../security/audit.server";
import { recordAudit } from "../security/audit.server";
import type { ShopDatabase } from "../db/prisma.server";

export const ORDER_STATES = ["NEW", "PENDING_APPROVAL", "APPROVED", "REJECTED", "FULFILLING", "FULFILLED", "CANCELLED", "ON_HOLD"] as const;
export type OrderState = (typeof ORDER_STATES)[number];

const ALLOWED: Record<OrderState, readonly OrderState[]> = {
  NEW: ["PENDING_APPROVAL", "FULFILLING", "ON_HOLD", "CANCELLED"],
  PENDING_APPROVAL: ["APPROVED", "REJECTED", "ON_HOLD", "CANCELLED"],
  APPROVED: ["FULFILLING", "ON_HOLD", "CANCELLED"],
  REJECTED: ["CANCELLED"],
  FULFILLING: ["FULFILLED", "ON_HOLD", "CANCELLED"],
  // Back to NEW: stock came in for an order whose shop buys labels by hand.
  ON_HOLD: ["NEW", "FULFILLING", "PENDING_APPROVAL", "CANCELLED"],
  FULFILLED: [],
  CANCELLED: [],
};

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ALLOWED[from].includes(to);
}

export class IllegalTransitionError extends Error {
  readonly retryable = false;
  constructor(
    readonly orderId: string,
    readonly from: string,
    readonly to: OrderState,
  ) {
    super(`order ${orderId} cannot go from ${from} to ${to}`);
    this.name = "IllegalTransitionError";
  }
}

export interface TransitionOptions {
  actor: Actor;
  /** Why: required for ON_HOLD, kept for the audit trail otherwise. */
  reason?: string;
}

/**
 * Moves the order to `to` when its current state allows it. Returns false (and
 * changes nothing) when the order is already in `to`, so callers can repeat a
 * transition safely; throws IllegalTransitionError for any other disallowed move.
 */
export async function transitionOrder(db: ShopDatabase, orderId: string, to: OrderState, options: TransitionOptions): Promise<boolean> {
  if (to === "ON_HOLD" && !options.reason) throw new Error("an ON_HOLD transition needs a reason");
  return db.$transaction(async (tx) => {
    const order = await tx.order.findFirst({ where: { id: orderId }, select: { id: true, status: true, holdReason: true } });
    if (!order) throw new Error(`order ${orderId} not found`);
    if (order.status === to && (to !== "ON_HOLD" || order.holdReason === options.reason)) return false;
    const from = order.status as OrderState;
    if (!canTransition(from, to)) throw new IllegalTransitionError(orderId, from, to);
    const { count } = await tx.order.updateMany({
      where: { id: orderId, status: from },
      data: { status: to, holdReason: to === "ON_HOLD" ? options.reason : null, statusChangedAt: new Date() },
    });
    if (count === 0) {
      // Someone else moved it between our read and write. The same move (two events of one
      // new order routed at once) is done; any other is re-judged by the caller.
      const now = await tx.order.findFirst({ where: { id: orderId }, select: { status: true } });
      if (now?.status === to) return false;
      throw new IllegalTransitionError(orderId, `${from} (changed meanwhile to ${now?.status ?? "gone"})`, to);
    }
    await recordAudit(tx, {
      actor: options.actor,
      action: "ORDER_STATUS_CHANGED",
      subject: { type: "Order", id: orderId },
      before: { status: from, holdReason: order.holdReason },
      after: { status: to, holdReason: to === "ON_HOLD" ? options.reason : null, reason: options.reason ?? null },
    });
    return true;
  });
}
