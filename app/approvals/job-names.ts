// The approvals queue's job names, in a module with no imports, so the pipeline and the
// schedules can name jobs without loading the approval services (which load Shopify).
export const REQUEST_JOB = "approvals.request";
export const APPLY_DECISION_JOB = "approvals.apply-decision";
export const SWEEP_JOB = "approvals.sweep";

/** Deterministic job ids (no ":"), so enqueueing the same work twice is a no-op. */
export const requestJobId = (approvalId: string) => `approval-request-${approvalId}`;
export const decisionJobId = (approvalId: string) => `approval-decision-${approvalId}`;
