// What a decision sets off, run by the approvals job after the deciding transaction
// committed. Approve: the order goes on to fulfillment (holds released, label job) and
// the buyer is told. Reject: the order is cancelled on its channel (restocked there),
// cancelled here (stock released) and the buyer is told. Every step is safe to repeat,
// so a retry or the sweep finishes what a crash interrupted.
import { z } from "zod";
import { forShop, getPrisma } from "../db/prisma.server";
import { continueApprovedOrder, cancelOrder } from "../fulfillment/pipeline.server";
import { loggerFor } from "../logging/logger.server";
import { notifyBuyer } from "../notifications/messages.server";
import { withSystemContext } from "../security/tenancy";
import { cancelOnChannel } from "./channel-cancel.server";
import { enqueueDecisionEffects } from "./decide.server";
import { decisionJobId } from "./job-names";
import { enqueueApprovalRequest } from "./request.server";

const logger = loggerFor("approvals");
const jobSchema = z.object({ shopId: z.uuid(), approvalId: z.uuid() });

export async function runApplyDecision(data: unknown) {
  const { shopId, approvalId } = jobSchema.parse(data);
  const shop = await getPrisma().shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true, redactedAt: true } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const approval = await db.approval.findFirst({
    where: { id: approvalId },
    include: { order: { select: { id: true, status: true, externalOrderId: true, channel: { select: { id: true, type: true, externalId: true, credentials: true } } } } },
  });
  if (!approval) return { skipped: "approval gone" };
  const order = approval.order;
  if (approval.status === "APPROVED") {
    if (order.status === "APPROVED") await continueApprovedOrder(db, order.id);
    await notifyBuyer(db, order.id, "approved");
    return { applied: "approved", orderStatus: order.status === "APPROVED" ? "FULFILLING" : order.status };
  }
  if (approval.status === "REJECTED") {
    if (order.status === "REJECTED") {
      const channel = await cancelOnChannel(shopId, order, approval.reason, logger);
      await cancelOrder(db, order.id);
      logger.info({ shopId, approvalId, orderId: order.id, channel }, "rejected order cancelled");
    }
    await notifyBuyer(db, order.id, "rejected");
    return { applied: "rejected" };
  }
  return { skipped: `approval is ${approval.status}` };
}

const STUCK_AFTER_MS = 3 * 60_000;

/**
 * Finishes what was lost: decided approvals whose order never moved on (the effects job
 * was never enqueued, or failed for good before its step), and pending approvals whose
 * emails were never queued (Redis was down when the order arrived).
 */
export async function sweepApprovals() {
  const before = new Date(Date.now() - STUCK_AFTER_MS);
  const base = getPrisma();
  const stuck = await withSystemContext("approvals sweep: finds every shop's decided approvals whose effects did not run", () =>
    base.approval.findMany({
      where: {
        decidedAt: { lt: before },
        OR: [
          { status: "APPROVED", order: { status: "APPROVED" } },
          { status: "REJECTED", order: { status: "REJECTED" } },
        ],
        shop: { uninstalledAt: null, redactedAt: null },
      },
      select: { id: true, shopId: true },
      take: 500,
    }),
  );
  // A fresh job id per sweep window: the first job's id may still sit in the failed set.
  const window = Math.floor(Date.now() / STUCK_AFTER_MS);
  let enqueued = 0;
  for (const approval of stuck) {
    if (await enqueueDecisionEffects(approval.shopId, approval.id, `${decisionJobId(approval.id)}-sweep-${window}`)) enqueued += 1;
  }
  const unsent = await withSystemContext("approvals sweep: finds pending approvals whose emails were never queued", () =>
    base.approval.findMany({
      where: { status: "PENDING", requestedAt: { lt: before }, approverEmails: { isEmpty: false }, messages: { none: {} }, shop: { uninstalledAt: null, redactedAt: null } },
      select: { id: true, shopId: true },
      take: 500,
    }),
  );
  for (const approval of unsent) await enqueueApprovalRequest(approval.shopId, approval.id);
  return { decided: stuck.length, enqueued, requests: unsent.length };
}
