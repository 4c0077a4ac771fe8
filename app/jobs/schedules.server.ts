// Repeating jobs, kept in Redis as BullMQ job schedulers (idempotent to register).
import { SWEEP_JOB as APPROVALS_SWEEP_JOB } from "../approvals/job-names";
import { SWEEP_JOB as FULFILLMENT_SWEEP_JOB } from "../fulfillment/job-names";
import { PUSH_SWEEP_JOB } from "../inventory/job-names";
import { SWEEP_MESSAGES_JOB } from "../notifications/job-names";
import { PURGE_EVENTS_JOB as PIXEL_PURGE_JOB } from "../pixel/job-names";
import { TRACKING_SWEEP_EVERY_MS, TRACKING_SWEEP_JOB } from "../tracking/job-names";
import { SWEEP_JOB } from "../webhooks/event-sweeper.server";
import { getQueue } from "./queues.server";

export async function ensureSchedules(): Promise<void> {
  await getQueue("inbound").upsertJobScheduler("sweep-inbound-events", { every: 60_000 }, { name: SWEEP_JOB, data: {} });
  // Orders whose next step was never enqueued (Redis was down when they arrived).
  await getQueue("fulfillment").upsertJobScheduler("sweep-fulfillment", { every: 5 * 60_000 }, { name: FULFILLMENT_SWEEP_JOB, data: {} });
  // Items whose channels are behind (a push request lost to a Redis outage, a failed channel call).
  await getQueue("inventory").upsertJobScheduler("sweep-inventory-push", { every: 60_000 }, { name: PUSH_SWEEP_JOB, data: {} });
  // Decided approvals whose effects never ran, pending ones whose emails were never queued.
  await getQueue("approvals").upsertJobScheduler("sweep-approvals", { every: 60_000 }, { name: APPROVALS_SWEEP_JOB, data: {} });
  // Messages queued while Redis was down, or whose send job was lost.
  await getQueue("notifications").upsertJobScheduler("sweep-messages", { every: 60_000 }, { name: SWEEP_MESSAGES_JOB, data: {} });
  // Shops with shipments due for a tracking poll, or carrier events not yet on their channel.
  await getQueue("fulfillment").upsertJobScheduler("sweep-tracking", { every: TRACKING_SWEEP_EVERY_MS }, { name: TRACKING_SWEEP_JOB, data: {} });
  // Pixel events past their 30-day retention, every shop (daily).
  await getQueue("sync").upsertJobScheduler("purge-pixel-events", { every: 24 * 60 * 60_000 }, { name: PIXEL_PURGE_JOB, data: {} });
}
