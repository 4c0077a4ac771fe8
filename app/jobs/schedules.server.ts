// Repeating jobs, kept in Redis as BullMQ job schedulers (idempotent to register).
import { SWEEP_JOB } from "../webhooks/event-sweeper.server";
import { getQueue } from "./queues.server";

export async function ensureSchedules(): Promise<void> {
  await getQueue("inbound").upsertJobScheduler("sweep-inbound-events", { every: 60_000 }, { name: SWEEP_JOB, data: {} });
}
