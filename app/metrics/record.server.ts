// Small recorders the capabilities call, so label values stay in the bounded sets
// the series promise (see metrics.server.ts) wherever they are recorded from.
import { metrics } from "./metrics.server";

export type WebhookOutcome = "accepted" | "duplicate" | "bad_signature" | "unknown_shop";
export type WebhookProvider = "shopify" | "woocommerce" | "whatsapp";

// Topics of verified deliveries come from the provider (orders/create, order.updated);
// anything else is folded into "other" so a sender cannot mint series.
const TOPIC = /^[a-z_]{1,40}([/.][a-z_]{1,40})?$/;

function topicLabel(topic: string | null | undefined, verified: boolean): string {
  if (!verified) return "unverified";
  const normalized = (topic ?? "").trim().toLowerCase();
  return TOPIC.test(normalized) ? normalized : "other";
}

/** The metric outcome of a recorded delivery (app/webhooks' RecordOutcome). */
export function webhookOutcomeOf(recorded: "recorded" | "duplicate" | "unknown-shop"): WebhookOutcome {
  if (recorded === "recorded") return "accepted";
  return recorded === "duplicate" ? "duplicate" : "unknown_shop";
}

/** One webhook answered: its outcome and how long the answer took since `startedAt` (performance.now()). */
export function recordWebhookDelivery(provider: WebhookProvider, topic: string | null | undefined, outcome: WebhookOutcome, startedAt: number): void {
  const label = topicLabel(topic, outcome !== "bad_signature");
  const m = metrics();
  m.webhookDeliveries.inc({ provider, topic: label, outcome });
  m.webhookAckSeconds.observe({ provider, topic: label }, (performance.now() - startedAt) / 1000);
}

export function recordTokenFetch(provider: string, outcome: "success" | "failure"): void {
  metrics().tokenFetches.inc({ provider, outcome });
}

export function recordOAuthCallback(provider: "shopify" | "woocommerce", outcome: "success" | "error"): void {
  metrics().oauthCallbacks.inc({ provider, outcome });
}

export type JobOutcome = "completed" | "failed" | "retry_later" | "returned";

export function recordJobRun(queue: string, outcome: JobOutcome, seconds: number): void {
  metrics().jobDurationSeconds.observe({ queue, outcome }, seconds);
}

export function countDeadLetter(queue: string): void {
  metrics().deadLettersRecorded.inc({ queue });
}

export type CarrierCallOutcome = "ok" | "rate_limited" | "circuit_open" | "transient" | "auth" | "error";

export function recordCarrierCall(carrier: string, outcome: CarrierCallOutcome, seconds: number): void {
  const m = metrics();
  m.carrierCalls.inc({ carrier, outcome });
  m.carrierCallSeconds.observe({ carrier }, seconds);
}

export function recordStockOutcome(outcome: "reserved" | "held" | "released" | "shipped"): void {
  metrics().inventoryReservations.inc({ outcome });
}

export type MessageStatusLabel = "SENT" | "FAILED" | "RETRYING" | "DELIVERED" | "READ";

export function recordMessageStatus(channel: string, status: MessageStatusLabel): void {
  metrics().messages.inc({ channel: channel === "WHATSAPP" ? "WHATSAPP" : "EMAIL", status });
}
