// One queue per capability (see docs/jobs.md). Job names are verb phrases
// within their queue, e.g. "fulfillment.buy-label".
export const QUEUE_NAMES = ["fulfillment", "inventory", "approvals"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
