// What a decision can answer besides success. Each error has an HTTP status and a
// message safe to show a merchant; routes render them as Polaris banners.
export type ApprovalErrorCode =
  | "invalid_token"
  | "expired_token"
  | "forbidden"
  | "not_found"
  | "already_decided"
  | "token_used"
  | "invalid_request"
  | "rate_limited";

export class ApprovalError extends Error {
  constructor(
    readonly code: ApprovalErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApprovalError";
  }
}

/** Malformed, tampered, signed with an unknown secret, unknown jti, hash mismatch, another approval's token: 400. */
export class InvalidApprovalTokenError extends ApprovalError {
  constructor(message = "This approval link is not valid. Open the approval from the Approvals page instead.") {
    super("invalid_token", 400, message);
    this.name = "InvalidApprovalTokenError";
  }
}

/** 410: the link worked once but its time is up. */
export class ExpiredApprovalTokenError extends ApprovalError {
  constructor() {
    super("expired_token", 410, "This approval link has expired. You can still decide from the Approvals page.");
    this.name = "ExpiredApprovalTokenError";
  }
}

/** 403: the link belongs to another shop or was sent to another admin. */
export class ApprovalForbiddenError extends ApprovalError {
  constructor(message: string) {
    super("forbidden", 403, message);
    this.name = "ApprovalForbiddenError";
  }
}

export class ApprovalNotFoundError extends ApprovalError {
  constructor() {
    super("not_found", 404, "This approval does not exist in this shop.");
    this.name = "ApprovalNotFoundError";
  }
}

/** 409: someone (anyone, by any path) decided first. Carries who and when for the banner. */
export class DecisionConflictError extends ApprovalError {
  constructor(
    readonly decided: { status: string; decidedByEmail: string | null; decidedById: string | null; decidedAt: Date | null; decidedVia: string | null },
  ) {
    const who = decided.decidedByEmail ?? (decided.decidedById === "system" ? "Rappit (the order was cancelled)" : `admin ${decided.decidedById ?? "unknown"}`);
    const when = decided.decidedAt ? decided.decidedAt.toISOString() : "earlier";
    super("already_decided", 409, `This order was already ${decided.status.toLowerCase()} by ${who} at ${when}.`);
    this.name = "DecisionConflictError";
  }
}

/** 409: the link was already used (a replay, or a double click that lost). */
export class ApprovalTokenUsedError extends ApprovalError {
  constructor() {
    super("token_used", 409, "This approval link was already used.");
    this.name = "ApprovalTokenUsedError";
  }
}

export class InvalidDecisionRequestError extends ApprovalError {
  constructor(message: string) {
    super("invalid_request", 400, message);
    this.name = "InvalidDecisionRequestError";
  }
}

/** The plain shape routes hand to the page (errors do not survive serialization). */
export interface ApprovalErrorView {
  status: number;
  code: ApprovalErrorCode;
  message: string;
  decided?: { status: string; decidedByEmail: string | null; decidedAt: string | null; decidedVia: string | null };
}

export function approvalErrorView(error: ApprovalError): ApprovalErrorView {
  const view: ApprovalErrorView = { status: error.status, code: error.code, message: error.message };
  if (error instanceof DecisionConflictError) {
    view.decided = {
      status: error.decided.status,
      decidedByEmail: error.decided.decidedByEmail,
      decidedAt: error.decided.decidedAt?.toISOString() ?? null,
      decidedVia: error.decided.decidedVia,
    };
  }
  return view;
}

/** What a decision POST answers, success or not: the page renders it as a banner. */
export type DecisionAnswer =
  | { ok: true; status: "APPROVED" | "REJECTED"; decidedAt: string }
  | { ok: false; error: ApprovalErrorView };
