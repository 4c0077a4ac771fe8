// Approve or Reject from the order-page extension: the same decision function as the
// email link and the Approvals page (via EXTENSION, no link token), the same rate limit
// per admin, and the same answers (404, 409 with who and when, 429 ...).
import { z } from "zod";
import { adminIdentity } from "../approvals/admin-identity.server";
import { ApprovalError, ApprovalNotFoundError, approvalErrorView, InvalidDecisionRequestError } from "../approvals/approval-errors";
import { decideApproval } from "../approvals/decide.server";
import type { ShopDatabase } from "../db/prisma.server";
import { enforceRateLimit } from "../security/rate-limits.server";
import { findShopifyOrder } from "./order-summary.server";

const bodySchema = z.object({
  decision: z.enum(["APPROVE", "REJECT"], { message: "decision must be APPROVE or REJECT" }),
  reason: z.string().trim().max(500, "reason: at most 500 characters").optional(),
});

export interface ExtensionDecisionInput {
  db: ShopDatabase;
  request: Request;
  shopDomain: string;
  userId: string | undefined;
  rawOrderId: string;
  ip: string;
}

/** Answers a status and a JSON body; never throws an ApprovalError. */
export async function decideFromExtension(input: ExtensionDecisionInput): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  try {
    await enforceRateLimit("approvalDecision", `${input.shopDomain}:${input.userId ?? "unknown"}`);
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.status !== 429) throw thrown;
    return { status: 429, body: await thrown.json(), headers: { "Retry-After": thrown.headers.get("Retry-After") ?? "60" } };
  }
  try {
    let raw: unknown;
    try {
      raw = await input.request.json();
    } catch {
      throw new InvalidDecisionRequestError("The body must be JSON: {\"decision\": \"APPROVE\" | \"REJECT\", \"reason\"?: string}.");
    }
    const body = bodySchema.safeParse(raw);
    if (!body.success) throw new InvalidDecisionRequestError(body.error.issues.map((issue) => issue.message).join("; "));
    const order = await findShopifyOrder(input.db, input.rawOrderId);
    const approval = order && (await input.db.approval.findFirst({ where: { orderId: order.id }, select: { id: true } }));
    if (!approval) throw new ApprovalNotFoundError();
    const identity = await adminIdentity(input.request, input.shopDomain, input.userId);
    const result = await decideApproval(input.db, {
      approvalId: approval.id,
      decision: body.data.decision,
      reason: body.data.reason || null,
      via: "EXTENSION",
      actor: { userId: identity.userId, email: identity.email },
      ip: input.ip,
    });
    return { status: 200, body: { status: result.status, decidedAt: result.decidedAt.toISOString() } };
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    const view = approvalErrorView(error);
    return { status: error.status, body: { error: view.message, code: view.code, ...(view.decided ?? {}) } };
  }
}
