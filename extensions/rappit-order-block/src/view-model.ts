// The order block: Rappit's state of the order, from the summary. Pure and tested.
import type { ApiFailure, ApiResult } from "../../rappit-order-shared/src/api";
import { decidedText, formatWhen, humanize, retryHint, type BannerView, type ButtonView } from "../../rappit-order-shared/src/format";
import type { OrderSummary, RetryAnswer } from "../../rappit-order-shared/src/types";

export type BadgeTone = "info" | "success" | "warning" | "critical" | "neutral" | "caution";

export type BlockState =
  | { phase: "loading" }
  | { phase: "loadFailed"; failure: ApiFailure }
  | {
      phase: "ready";
      summary: OrderSummary;
      /** The dead letter being retried. */
      retrying: string | null;
      /** The last retry's answer, shown until the next one. */
      retried: { id: string; result: ApiResult<RetryAnswer> } | null;
    };

export interface BlockView {
  loading: boolean;
  /** Shown when the block is collapsed: the order's Rappit status. */
  summaryLine: string;
  banners: BannerView[];
  status: null | { label: string; tone: BadgeTone };
  holdReason: string | null;
  approval: null | { label: string; tone: BadgeTone; lines: string[] };
  shipments: Array<{
    id: string;
    title: string;
    status: string;
    trackingNumber: string | null;
    trackingUrl: string | null;
    labelUrl: string | null;
    /** The carrier's word: "Delivered", "Exception: …"; critical for an exception or a return. */
    tracking: { text: string; tone: "critical" | "success" | "neutral" } | null;
  }>;
  deadLetters: Array<{ id: string; title: string; error: string; when: string; retry: ButtonView }>;
  messages: Array<{ id: string; title: string; status: string; detail: string }>;
  /** Buttons that open the two actions on this page. */
  openApprove: boolean;
  openLabel: boolean;
}

const STATUS_TONE: Record<string, BadgeTone> = {
  NEW: "info",
  PENDING_APPROVAL: "warning",
  APPROVED: "success",
  FULFILLING: "info",
  FULFILLED: "success",
  REJECTED: "critical",
  CANCELLED: "neutral",
  ON_HOLD: "critical",
};

const APPROVAL_TONE: Record<string, BadgeTone> = { PENDING: "warning", APPROVED: "success", REJECTED: "critical", CANCELLED: "neutral" };

function approvalOf(summary: OrderSummary): BlockView["approval"] {
  const { approval } = summary;
  if (!approval) return null;
  const lines: string[] = [`Requested ${formatWhen(approval.requestedAt)}.`];
  if (approval.status === "PENDING") lines.push("Waiting for an admin's decision.");
  else if (approval.status === "CANCELLED") lines.push("Cancelled: the order was cancelled before a decision.");
  else {
    const text = decidedText(approval.status, approval.decidedByEmail, approval.decidedAt, approval.decidedVia);
    lines.push(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
  }
  if (approval.reason) lines.push(`Reason: ${approval.reason}`);
  for (const note of approval.riskNotes) lines.push(`Risk: ${note.text}`);
  return { label: humanize(approval.status), tone: APPROVAL_TONE[approval.status] ?? "info", lines };
}

function retryBanner(retried: { id: string; result: ApiResult<RetryAnswer> }): BannerView {
  const { result } = retried;
  if (result.ok) return { tone: "success", heading: "Job queued again", text: `Rappit retries it now (job ${result.data.jobId}).` };
  const headings: Partial<Record<ApiFailure["kind"], string>> = {
    notFound: "This failed job is no longer open",
    conflict: "This job cannot be queued again",
    unavailable: "The job queue is not answering",
  };
  return { tone: "critical", heading: headings[result.kind] ?? "The retry failed", text: `${result.message}${retryHint(result.retryAfterSeconds)}` };
}

export function blockView(state: BlockState): BlockView {
  const empty: BlockView = {
    loading: false,
    summaryLine: "",
    banners: [],
    status: null,
    holdReason: null,
    approval: null,
    shipments: [],
    deadLetters: [],
    messages: [],
    openApprove: false,
    openLabel: false,
  };
  if (state.phase === "loading") return { ...empty, loading: true, summaryLine: "Loading" };
  if (state.phase === "loadFailed") {
    const banner: BannerView =
      state.failure.kind === "notFound"
        ? { tone: "info", heading: "Rappit does not know this order", text: "Orders placed before Rappit was installed, or from another channel, are not tracked." }
        : { tone: "critical", heading: "Could not load Rappit's state", text: `${state.failure.message}${retryHint(state.failure.retryAfterSeconds)}` };
    return { ...empty, summaryLine: banner.heading, banners: [banner] };
  }
  const { summary, retrying, retried } = state;
  const { order } = summary;
  const onHold = order.status === "ON_HOLD";
  return {
    ...empty,
    summaryLine: humanize(order.status),
    banners: retried ? [retryBanner(retried)] : [],
    status: { label: humanize(order.status), tone: STATUS_TONE[order.status] ?? "info" },
    // A hold reason matters while the order is held; an old one on a moved-on order would mislead.
    holdReason: onHold ? (order.holdReason ?? "No reason recorded.") : null,
    approval: approvalOf(summary),
    shipments: summary.shipments.map((shipment) => ({
      id: shipment.id,
      title: [shipment.carrier, shipment.service].filter(Boolean).join(" · "),
      status: humanize(shipment.status),
      trackingNumber: shipment.trackingNumber,
      trackingUrl: shipment.trackingUrl,
      labelUrl: shipment.labelUrl,
      tracking: trackingLine(shipment),
    })),
    deadLetters: summary.deadLetters.map((letter) => ({
      id: letter.id,
      title: `${letter.queue} · ${letter.jobName}`,
      error: letter.error,
      when: `Failed ${formatWhen(letter.lastFailedAt)}`,
      retry: { label: "Retry", disabled: retrying !== null, loading: retrying === letter.id },
    })),
    messages: summary.messages.map((message) => ({
      id: message.id,
      title: `${humanize(message.channel)} · ${message.template}`,
      status: humanize(message.status),
      detail: [message.recipient, formatWhen(message.createdAt)].filter(Boolean).join(", "),
    })),
    openApprove: summary.actions.canDecide,
    openLabel: summary.actions.canBuyLabel,
  };
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  return atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
}

function base64UrlEncode(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The label route read as a page load: the shop and host the library expects, from the session
 * token's `dest` (https://<shop>.myshopify.com), plus the token itself. A session token lives one
 * minute, so the link is made when the admin asks for it. Null when the token is unreadable.
 */
export function labelLinkWithToken(labelUrl: string, idToken: string): string | null {
  let shop: string;
  try {
    const payload = JSON.parse(base64UrlDecode(idToken.split(".")[1] ?? "")) as { dest?: unknown };
    if (typeof payload.dest !== "string") return null;
    shop = new URL(payload.dest).hostname;
  } catch {
    return null;
  }
  const store = shop.replace(/\.myshopify\.com$/, "");
  const query = new URLSearchParams({ shop, host: base64UrlEncode(`admin.shopify.com/store/${store}`), embedded: "1", id_token: idToken });
  return `${labelUrl}${labelUrl.includes("?") ? "&" : "?"}${query.toString()}`;
}

/** The shipment's latest carrier event in one line, or null before Rappit has tracked it. */
function trackingLine(shipment: OrderSummary["shipments"][number]): { text: string; tone: "critical" | "success" | "neutral" } | null {
  if (!shipment.trackingStatus) return null;
  const event = shipment.lastEvent;
  const detail = event ? `: ${event.description}${event.location ? ` (${event.location})` : ""}, ${formatWhen(event.occurredAt)}` : "";
  const tone = shipment.trackingStatus === "EXCEPTION" || shipment.trackingStatus === "RETURNED" ? "critical" : shipment.trackingStatus === "DELIVERED" ? "success" : "neutral";
  return { text: `${humanize(shipment.trackingStatus)}${detail}`, tone };
}
