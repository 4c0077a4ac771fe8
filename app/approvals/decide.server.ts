// The one decision function: the approval page (email link), the Approvals list and the
// order-page extension all call decideApproval. In one transaction on one connection:
// lock the approval, check it is still pending, consume the link's token (email path),
// move the order PENDING_APPROVAL → APPROVED | REJECTED, record the decision and its audit
// row. After commit, a deterministic job applies the effects (outbox: nothing is lost if
// the process dies; the approvals sweep catches a job that was never enqueued).
import type pg from "pg";
import { z } from "zod";
import { withPgTransaction } from "../db/pg-transaction.server";
import type { ShopDatabase } from "../db/prisma.server";
import { enqueue, QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { recordAuditSql } from "../security/audit.server";
import {
  ApprovalError,
  ApprovalForbiddenError,
  ApprovalNotFoundError,
  ApprovalTokenUsedError,
  DecisionConflictError,
  InvalidApprovalTokenError,
  InvalidDecisionRequestError,
} from "./approval-errors";
import { APPLY_DECISION_JOB, decisionJobId } from "./job-names";
import { hashToken, verifyApprovalToken, type ApprovalClaims } from "./tokens.server";

const logger = loggerFor("approvals");

export const DECISION_VIAS = ["EMAIL_LINK", "APP", "EXTENSION"] as const;
export type DecisionVia = (typeof DECISION_VIAS)[number];

export interface DecisionInput {
  approvalId: string;
  decision: "APPROVE" | "REJECT";
  reason?: string | null;
  via: DecisionVia;
  /** The Shopify admin: user id from the session token's `sub`; email when known (required for EMAIL_LINK). */
  actor: { userId: string; email?: string | null };
  ip: string;
  /** The emailed link's token: required for EMAIL_LINK, ignored otherwise. */
  token?: string | null;
}

export interface DecisionResult {
  approvalId: string;
  orderId: string;
  status: "APPROVED" | "REJECTED";
  decidedAt: Date;
  effectsEnqueued: boolean;
}

const inputSchema = z.object({
  approvalId: z.uuid(),
  decision: z.enum(["APPROVE", "REJECT"]),
  reason: z.string().trim().max(500).nullish(),
  via: z.enum(DECISION_VIAS),
  actor: z.object({ userId: z.string().min(1).max(100), email: z.string().trim().toLowerCase().max(320).nullish() }),
  ip: z.string().max(100),
  token: z.string().max(4096).nullish(),
});

interface LockedApproval {
  id: string;
  orderId: string;
  status: string;
  decidedAt: Date | null;
  decidedById: string | null;
  decidedByEmail: string | null;
  decidedVia: string | null;
}

/** Binds a verified token to this request: the session's shop, the approval in the URL, the admin's email. */
function checkBinding(claims: ApprovalClaims, shopDomain: string, approvalId: string, email: string | null | undefined): void {
  if (claims.shop !== shopDomain) throw new ApprovalForbiddenError("This approval link belongs to another shop. Open it while signed in to that shop.");
  if (claims.approval !== approvalId) throw new InvalidApprovalTokenError("This approval link is for another approval.");
  if (!email) throw new ApprovalForbiddenError("Your Shopify account's email could not be confirmed, so the link cannot be checked. Decide from the Approvals page.");
  if (claims.email !== email) throw new ApprovalForbiddenError("This approval link was sent to another admin. Use the link sent to you, or decide from the Approvals page.");
}

async function consumeToken(client: pg.PoolClient, shopId: string, approvalId: string, claims: ApprovalClaims, token: string): Promise<void> {
  const hash = hashToken(token);
  const used = await client.query(
    `UPDATE "ApprovalToken" SET "usedAt" = now()
      WHERE id = $1::uuid AND "shopId" = $2::uuid AND "approvalId" = $3::uuid AND "usedAt" IS NULL AND "tokenHash" = $4`,
    [claims.jti, shopId, approvalId, hash],
  );
  if (used.rowCount === 1) return;
  const found = await client.query<{ usedAt: Date | null; tokenHash: string; approvalId: string }>(
    `SELECT "usedAt", "tokenHash", "approvalId"::text AS "approvalId" FROM "ApprovalToken" WHERE id = $1::uuid AND "shopId" = $2::uuid`,
    [claims.jti, shopId],
  );
  const row = found.rows[0];
  // Unknown jti (never issued here, or the row was purged) or a token that is not the one issued under it.
  if (!row || row.tokenHash !== hash || row.approvalId !== approvalId) throw new InvalidApprovalTokenError();
  throw new ApprovalTokenUsedError();
}

/**
 * Decides a pending approval, or throws an ApprovalError: 400 invalid token or request,
 * 403 another shop's link or another admin's, 404 unknown approval, 409 already decided
 * (with who and when) or link already used, 410 expired link.
 */
export async function decideApproval(db: ShopDatabase, raw: DecisionInput): Promise<DecisionResult> {
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((issue) => issue.path[0] === "approvalId")) throw new ApprovalNotFoundError();
    throw new InvalidDecisionRequestError(`Invalid decision: ${parsed.error.issues[0]?.message ?? "bad input"}`);
  }
  const input = parsed.data;
  const shopId = db.$shopId();
  let claims: ApprovalClaims | null = null;
  if (input.via === "EMAIL_LINK") {
    if (!input.token) throw new InvalidApprovalTokenError("This approval link has no token. Open the link from the email again.");
    // Signature, algorithm, audience, issuer and expiry first: pure, before any lock.
    claims = await verifyApprovalToken(input.token);
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
    checkBinding(claims, shop.domain, input.approvalId, input.actor.email);
  }
  const status = input.decision === "APPROVE" ? "APPROVED" : "REJECTED";

  const decided = await withPgTransaction(db, async (client) => {
    const locked = await client.query<LockedApproval>(
      `SELECT id::text AS id, "orderId"::text AS "orderId", status, "decidedAt", "decidedById", "decidedByEmail", "decidedVia"
         FROM "Approval" WHERE id = $1::uuid AND "shopId" = $2::uuid FOR UPDATE`,
      [input.approvalId, shopId],
    );
    const approval = locked.rows[0];
    if (!approval) throw new ApprovalNotFoundError();
    if (approval.status !== "PENDING") throw new DecisionConflictError(approval);
    if (claims) await consumeToken(client, shopId, approval.id, claims, input.token!);

    // The order moves in this transaction (transitionOrder runs its own): the same allowed
    // move, PENDING_APPROVAL → APPROVED | REJECTED, as a conditional update.
    const moved = await client.query(
      `UPDATE "Order" SET status = $3, "holdReason" = NULL, "statusChangedAt" = now(), "updatedAt" = now()
        WHERE id = $1::uuid AND "shopId" = $2::uuid AND status = 'PENDING_APPROVAL'`,
      [approval.orderId, shopId, status],
    );
    if (moved.rowCount !== 1) {
      const now = await client.query<{ status: string }>(`SELECT status FROM "Order" WHERE id = $1::uuid AND "shopId" = $2::uuid`, [approval.orderId, shopId]);
      throw new ApprovalError("already_decided", 409, `This order is no longer waiting for approval (it is ${now.rows[0]?.status.toLowerCase().replace("_", " ") ?? "gone"}).`);
    }
    const stamped = await client.query<{ decidedAt: Date }>(
      `UPDATE "Approval" SET status = $3, "decidedAt" = now(), "decidedById" = $4, "decidedByEmail" = $5, "decidedVia" = $6, reason = $7
        WHERE id = $1::uuid AND "shopId" = $2::uuid RETURNING "decidedAt"`,
      [approval.id, shopId, status, input.actor.userId, input.actor.email ?? null, input.via, input.reason ?? null],
    );
    await recordAuditSql(client, shopId, {
      actor: { type: "USER", id: input.actor.userId, ...(input.actor.email ? { email: input.actor.email } : {}) },
      action: status === "APPROVED" ? "ORDER_APPROVED" : "ORDER_REJECTED",
      subject: { type: "Order", id: approval.orderId },
      before: { orderStatus: "PENDING_APPROVAL", approvalStatus: "PENDING" },
      after: { orderStatus: status, approvalStatus: status, approvalId: approval.id, via: input.via, reason: input.reason ?? null, ip: input.ip },
    });
    return { orderId: approval.orderId, decidedAt: stamped.rows[0].decidedAt };
  });

  const effectsEnqueued = await enqueueDecisionEffects(shopId, input.approvalId);
  logger.info({ shopId, approvalId: input.approvalId, orderId: decided.orderId, status, via: input.via }, "approval decided");
  return { approvalId: input.approvalId, orderId: decided.orderId, status, decidedAt: decided.decidedAt, effectsEnqueued };
}

/** The effects job of a decided approval; false when Redis is down (the approvals sweep enqueues it). */
export async function enqueueDecisionEffects(shopId: string, approvalId: string, jobId = decisionJobId(approvalId)): Promise<boolean> {
  try {
    await enqueue({ queue: "approvals", name: APPLY_DECISION_JOB, data: { shopId, approvalId }, jobId });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shopId, approvalId }, "queue unavailable: the approvals sweep will apply the decision");
    return false;
  }
}
