// The approvals.request job: one approval-request email per approver, each a message
// row (deduplicated per approval and email) whose send job renders it with a fresh link.
import { z } from "zod";
import { forShop } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { queueMessage } from "../notifications/messages.server";
import "./approval-email.server";

const logger = loggerFor("approvals");
const jobSchema = z.object({ shopId: z.uuid(), approvalId: z.uuid() });

export async function runApprovalRequest(data: unknown) {
  const { shopId, approvalId } = jobSchema.parse(data);
  const db = forShop(shopId);
  const approval = await db.approval.findFirst({ where: { id: approvalId }, include: { order: { select: { name: true } } } });
  if (!approval) return { skipped: "approval gone" };
  if (approval.status !== "PENDING") return { skipped: `approval is ${approval.status}` };
  if (approval.approverEmails.length === 0) {
    logger.warn({ shopId, approvalId }, "no approver email: the approval is on the Approvals page only");
    return { queued: 0 };
  }
  let queued = 0;
  for (const email of approval.approverEmails) {
    const { created } = await queueMessage(db, {
      channel: "EMAIL",
      recipient: email,
      template: "approval-request",
      content: { approvalId, orderName: approval.order.name },
      dedupeKey: `approval-request:${approvalId}:${email}`,
      orderId: approval.orderId,
      approvalId,
    });
    if (created) queued += 1;
  }
  return { queued };
}
