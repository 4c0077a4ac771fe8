// A COD order waiting for approval gets one Approval (unique per order) with its
// approvers, expiry and risk notes, and an approvals job that emails each approver.
// Import-light (no Shopify): the fulfillment pipeline calls it when routing an order.
import { getConfig } from "../config/env.server";
import type { ShopDatabase } from "../db/prisma.server";
import { enqueue, QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { REQUEST_JOB, requestJobId } from "./job-names";
import { computeRiskNotes } from "./risk-notes.server";

const logger = loggerFor("approvals");

/** Shop.approverEmails, else the shop owner's email; lower-cased and unique. */
export function approversOf(shop: { approverEmails: string[]; ownerEmail: string | null }): string[] {
  const chosen = shop.approverEmails.length > 0 ? shop.approverEmails : shop.ownerEmail ? [shop.ownerEmail] : [];
  return [...new Set(chosen.map((email) => email.trim().toLowerCase()).filter((email) => email.includes("@")))];
}

/** Enqueues the emails of a pending approval; false when Redis is down (the approvals sweep retries). */
export async function enqueueApprovalRequest(shopId: string, approvalId: string): Promise<boolean> {
  try {
    await enqueue({ queue: "approvals", name: REQUEST_JOB, data: { shopId, approvalId }, jobId: requestJobId(approvalId) });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shopId, approvalId }, "queue unavailable: the approvals sweep will send the approval emails");
    return false;
  }
}

/** Idempotent: the order's one Approval, created on the first call. */
export async function requestApproval(db: ShopDatabase, orderId: string): Promise<{ approvalId: string; created: boolean }> {
  const existing = await db.approval.findFirst({ where: { orderId }, select: { id: true, status: true } });
  if (existing) {
    if (existing.status === "PENDING") await enqueueApprovalRequest(db.$shopId(), existing.id);
    return { approvalId: existing.id, created: false };
  }
  const order = await db.order.findFirstOrThrow({ where: { id: orderId }, select: { id: true, email: true, phone: true, totalPrice: true, currency: true, name: true } });
  const shop = await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { approverEmails: true, ownerEmail: true } });
  const approverEmails = approversOf(shop);
  if (approverEmails.length === 0) {
    logger.warn({ shopId: db.$shopId(), orderId }, "no approver email (no approver set and no shop owner email): the approval waits on the Approvals page only");
  }
  const riskNotes = await computeRiskNotes(db, order);
  const expiresAt = new Date(Date.now() + getConfig().APPROVAL_TOKEN_TTL_HOURS * 3_600_000);
  // skipDuplicates: two routings of one order at once create one row (orderId is unique).
  const { count } = await db.approval.createMany({
    data: [{ shopId: db.$shopId(), orderId, approverEmails, expiresAt, riskNotes: riskNotes.map((note) => ({ ...note })) }],
    skipDuplicates: true,
  });
  const row = await db.approval.findFirstOrThrow({ where: { orderId }, select: { id: true } });
  if (count === 1) logger.info({ shopId: db.$shopId(), orderId, approvalId: row.id, approvers: approverEmails.length }, "approval requested");
  await enqueueApprovalRequest(db.$shopId(), row.id);
  return { approvalId: row.id, created: count === 1 };
}
