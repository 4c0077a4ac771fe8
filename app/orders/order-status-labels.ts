// How Rappit's pipeline state of an order reads in the admin (list and order page).
// Browser-safe: no server imports.

type Tone = "info" | "success" | "warning" | "critical" | "attention" | undefined;

export const ORDER_STATUS_LABEL: Record<string, string> = {
  NEW: "New",
  PENDING_APPROVAL: "Waiting for approval",
  APPROVED: "Approved",
  REJECTED: "Rejected",
  FULFILLING: "Fulfilling",
  FULFILLED: "Fulfilled",
  CANCELLED: "Cancelled",
  ON_HOLD: "On hold",
};

export const ORDER_STATUS_TONE: Record<string, Tone> = {
  PENDING_APPROVAL: "attention",
  FULFILLING: "info",
  FULFILLED: "success",
  REJECTED: "critical",
  CANCELLED: "critical",
  ON_HOLD: "warning",
};
