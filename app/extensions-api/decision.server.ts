// Approve or Reject from the order-page extension: the same decision function as the
// email link and the Approvals page (via EXTENSION, no link token), the same rate limit
// per admin, and the same answers (404, 409 with who and when, 429 ...).
import { z } from "zod";
import { adminIdentity } from "../approvals/admin-identity.server";
import {
  ApprovalError,
  ApprovalForbiddenError,
  ApprovalNotFoundError,
  approvalErrorView,
  InvalidDecisionRequestError,
} from "../approvals/approval-errors";
import { decideApproval } from "../approvals/decide.server";
import { enforceRateLimit } from "../security/rate-limits.server";
import type { ExtensionContext } from "./context.server";
import { findShopifyOrder } from "./resolve-order.server";
import { answer, type Answer } from "./responses";

const bodySchema = z.object({
  decision: z.enum(["APPROVE", "REJECT"], { message: "decision must be APPROVE or REJECT" }),
  reason: z.string().trim().max(500, "reason: at most 500 characters").optional(),
});

/** Answers a status and a JSON body; an ApprovalError becomes its status with `{error, code, ...who and when}`. */
export async function decideFromExtension(context: ExtensionContext, request: Request, rawOrderId: string, ip: string): Promise<Answer> {
  try {
    await enforceRateLimit("approvalDecision", `${context.shopDomain}:${context.userId ?? "unknown"}`);
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.status !== 429) throw thrown;
    const { error } = (await thrown.json()) as { error: string };
    return answer(429, { error, code: "rate_limited" }, { "Retry-After": thrown.headers.get("Retry-After") ?? "60" });
  }
  try {
    let raw: unknown;
    try {
      raw = await request.json();
    } catch {
      throw new InvalidDecisionRequestError('The body must be JSON: {"decision": "APPROVE" | "REJECT", "reason"?: string}.');
    }
    const body = bodySchema.safeParse(raw);
    if (!body.success) throw new InvalidDecisionRequestError(body.error.issues.map((issue) => issue.message).join("; "));
    const order = await findShopifyOrder(context.db, rawOrderId);
    const approval = order && (await context.db.approval.findFirst({ where: { orderId: order.id }, select: { id: true } }));
    if (!approval) throw new ApprovalNotFoundError();
    // The audit trail must name who decided; a session token without a user (`sub`) cannot.
    if (!context.userId) throw new ApprovalForbiddenError("Rappit cannot tell which staff member is signed in, so it cannot record who decided. Decide from the Approvals page.");
    const identity = await adminIdentity(request, context.shopDomain, context.userId);
    const result = await decideApproval(context.db, {
      approvalId: approval.id,
      decision: body.data.decision,
      reason: body.data.reason || null,
      via: "EXTENSION",
      actor: { userId: identity.userId, email: identity.email },
      ip,
    });
    return answer(200, { status: result.status, decidedAt: result.decidedAt.toISOString() });
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    const view = approvalErrorView(error);
    return answer(error.status, { error: view.message, code: view.code, ...(view.decided ?? {}) });
  }
}
