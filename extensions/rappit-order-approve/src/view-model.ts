// "Rappit: approve COD order": what the action shows in each state. Pure, so every order
// state and every answer of the decision route is tested without a browser.
import type { ApiFailure } from "../../rappit-order-shared/src/api";
import {
  decidedText,
  formatMoney,
  formatWhen,
  humanize,
  retryHint,
  type BannerView,
  type ButtonView,
  type DetailView,
} from "../../rappit-order-shared/src/format";
import type { Decision, OrderSummary } from "../../rappit-order-shared/src/types";

export type ApproveState =
  | { phase: "loading" }
  | { phase: "loadFailed"; failure: ApiFailure }
  | { phase: "ready"; summary: OrderSummary; reason: string; submitting: Decision | null; failure: ApiFailure | null }
  | { phase: "decided"; summary: OrderSummary; decision: Decision; status: string; decidedAt: string | null };

export interface ApproveView {
  loading: boolean;
  banners: BannerView[];
  details: DetailView[];
  riskNotes: string[];
  /** Null when no decision can be made here (the banners say why). */
  form: null | { reason: string; approve: ButtonView; reject: ButtonView };
  /** The secondary button: "Cancel" while deciding, "Close" once there is nothing to do. */
  closeLabel: string;
}

export const REASON_MAX = 500;

function details(summary: OrderSummary): DetailView[] {
  const { order, approval } = summary;
  const rows: DetailView[] = [
    { label: "Order", value: order.name },
    { label: "Total", value: formatMoney(order.total, order.currency) },
    { label: "Payment", value: order.cod ? "Cash on delivery" : humanize(order.financialStatus ?? "paid") },
    { label: "Rappit status", value: humanize(order.status) },
  ];
  if (approval) rows.push({ label: "Approval requested", value: formatWhen(approval.requestedAt) });
  return rows;
}

/** Why this order cannot be decided here, or null when it can. */
export function whyNotDecidable(summary: OrderSummary): BannerView | null {
  const { approval, order } = summary;
  if (summary.actions.canDecide) return null;
  if (!approval) {
    return order.cod
      ? { tone: "info", heading: "No approval to decide", text: "Rappit has not asked for an approval of this order." }
      : {
          tone: "info",
          heading: "Not a cash-on-delivery order",
          text: "Rappit holds only cash-on-delivery orders for approval; this one goes straight to fulfillment.",
        };
  }
  if (approval.status === "CANCELLED") {
    return { tone: "info", heading: "Approval cancelled", text: "The order was cancelled before anyone decided." };
  }
  const text = decidedText(approval.status, approval.decidedByEmail, approval.decidedAt, approval.decidedVia);
  return {
    tone: "info",
    heading: `Already ${approval.status === "APPROVED" ? "approved" : approval.status === "REJECTED" ? "rejected" : "decided"}`,
    text: `This order was ${text}.${approval.reason ? ` Reason: ${approval.reason}` : ""}`,
  };
}

/** The banner for a failed decision; a 409 names who decided first and when. */
export function decisionFailureBanner(failure: ApiFailure): BannerView {
  switch (failure.kind) {
    case "conflict": {
      const who = failure.decisionStatus
        ? `It was ${decidedText(failure.decisionStatus, failure.decidedByEmail, failure.decidedAt, failure.decidedVia)}.`
        : "";
      return { tone: "critical", heading: "Someone decided first", text: [failure.message, who].filter(Boolean).join(" ") };
    }
    case "forbidden":
      return { tone: "critical", heading: "You cannot decide this order", text: failure.message };
    case "rateLimited":
      return { tone: "critical", heading: "Too many decisions", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
    case "notFound":
      return { tone: "critical", heading: "Order not found", text: failure.message };
    case "badRequest":
      return { tone: "critical", heading: "The decision was not accepted", text: failure.message };
    case "unauthorized":
      return { tone: "critical", heading: "Session expired", text: failure.message };
    default:
      return { tone: "critical", heading: "The decision was not saved", text: failure.message };
  }
}

export function loadFailureBanner(failure: ApiFailure): BannerView {
  if (failure.kind === "notFound") {
    return { tone: "info", heading: "Rappit does not know this order", text: failure.message };
  }
  return { tone: "critical", heading: "Could not load the order from Rappit", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
}

export function approveView(state: ApproveState): ApproveView {
  const empty: ApproveView = { loading: false, banners: [], details: [], riskNotes: [], form: null, closeLabel: "Close" };
  switch (state.phase) {
    case "loading":
      return { ...empty, loading: true };
    case "loadFailed":
      return { ...empty, banners: [loadFailureBanner(state.failure)] };
    case "decided": {
      const approved = state.decision === "APPROVE";
      return {
        ...empty,
        details: details(state.summary),
        banners: [
          {
            tone: "success",
            heading: approved ? "Order approved" : "Order rejected",
            text: approved
              ? "Rappit releases the hold and sends the order to fulfillment."
              : "Rappit records the rejection and your reason; the order will not be shipped.",
          },
        ],
      };
    }
    case "ready": {
      const { summary, failure, submitting } = state;
      const riskNotes = summary.approval?.riskNotes.map((note) => note.text) ?? [];
      const notDecidable = whyNotDecidable(summary);
      // After a 409 the order moved on: the form goes away and the banner says who decided.
      const closed = notDecidable !== null || failure?.kind === "conflict" || failure?.kind === "notFound";
      const banners: BannerView[] = [];
      if (failure) banners.push(decisionFailureBanner(failure));
      if (notDecidable) banners.push(notDecidable);
      const tooLong = state.reason.length > REASON_MAX;
      const busy = submitting !== null;
      return {
        ...empty,
        details: details(summary),
        riskNotes,
        banners,
        closeLabel: closed ? "Close" : "Cancel",
        form: closed
          ? null
          : {
              reason: state.reason,
              approve: { label: "Approve", disabled: busy || tooLong, loading: submitting === "APPROVE" },
              reject: { label: "Reject", disabled: busy || tooLong, loading: submitting === "REJECT" },
            },
      };
    }
  }
}
