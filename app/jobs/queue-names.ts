// One queue per capability (see docs/jobs.md). Job names are verb phrases
// within their queue, e.g. "fulfillment.buy-label".
// `inbound` processes recorded webhook events; `sync` runs reconciliation with the channels;
// `notifications` sends email and WhatsApp messages (one job per MessageLog row).
export const QUEUE_NAMES = ["fulfillment", "inventory", "approvals", "notifications", "inbound", "sync"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
