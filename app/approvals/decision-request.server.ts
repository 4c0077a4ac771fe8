// The POST side of the approval pages: an authenticated admin's Approve or Reject, rate
// limited per admin, turned into one decideApproval call; ApprovalErrors come back as a
// view with their HTTP status so the page shows a banner.
import { z } from "zod";
import { forShop, getPrisma } from "../db/prisma.server";
import { clientIpOf } from "../http/client-ip";
import { enforceRateLimit } from "../security/rate-limits.server";
import { shopOfSession } from "../shops/current-shop.server";
import { authenticate } from "../shopify.server";
import { adminIdentity } from "./admin-identity.server";
import { ApprovalError, approvalErrorView, InvalidDecisionRequestError, type DecisionAnswer } from "./approval-errors";
import { decideApproval, type DecisionVia } from "./decide.server";

export type { DecisionAnswer };

const formSchema = z.object({
  intent: z.enum(["approve", "reject"]),
  reason: z.string().trim().max(500).optional(),
  t: z.string().max(4096).optional(),
  approvalId: z.string().max(64).optional(),
});

/**
 * Handles one decision POST. `approvalId` from the URL (detail page) or the form (list).
 * With a token (the `t` query of the emailed link, or the form's hidden field) the decision
 * is an EMAIL_LINK one bound to the token; without, it is the app's own (APP).
 */
export async function handleDecisionPost(request: Request, context: unknown, urlApprovalId: string | null): Promise<Response> {
  const { session, sessionToken } = await authenticate.admin(request);
  const userId = sessionToken?.sub ? String(sessionToken.sub) : undefined;
  try {
    await enforceRateLimit("approvalDecision", `${session.shop}:${userId ?? "unknown"}`);
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.status !== 429) throw thrown;
    // Shown as a banner like every other answer, with the limiter's Retry-After kept.
    const { error } = (await thrown.json()) as { error: string };
    const body: DecisionAnswer = { ok: false, error: { status: 429, code: "rate_limited", message: error } };
    return Response.json(body, { status: 429, headers: { "Retry-After": thrown.headers.get("Retry-After") ?? "60", "Referrer-Policy": "no-referrer" } });
  }
  const answer = async (): Promise<{ status: number; body: DecisionAnswer }> => {
    const form = formSchema.safeParse(Object.fromEntries(await request.formData()));
    if (!form.success) throw new InvalidDecisionRequestError("Choose Approve or Reject.");
    const approvalId = urlApprovalId ?? form.data.approvalId ?? "";
    const token = form.data.t || new URL(request.url).searchParams.get("t") || null;
    const via: DecisionVia = token ? "EMAIL_LINK" : "APP";
    const identity = await adminIdentity(request, session.shop, userId);
    const shop = await shopOfSession(getPrisma(), session);
    const result = await decideApproval(forShop(shop.id), {
      approvalId,
      decision: form.data.intent === "approve" ? "APPROVE" : "REJECT",
      reason: form.data.reason || null,
      via,
      actor: { userId: identity.userId, email: identity.email },
      ip: clientIpOf(context),
      token,
    });
    return { status: 200, body: { ok: true, status: result.status, decidedAt: result.decidedAt.toISOString() } };
  };
  try {
    const { status, body } = await answer();
    return Response.json(body, { status, headers: { "Referrer-Policy": "no-referrer" } });
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    return Response.json({ ok: false, error: approvalErrorView(error) } satisfies DecisionAnswer, { status: error.status, headers: { "Referrer-Policy": "no-referrer" } });
  }
}
