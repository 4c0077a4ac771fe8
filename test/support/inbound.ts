// Runs what the inbound worker would run for a recorded event: the queued job's own data.
import { getQueue } from "~/jobs/queues.server";
import { processJobId } from "~/webhooks/inbound-events.server";
import { processInboundEvent } from "~/webhooks/process-event.server";

export async function runQueuedEventJob(eventRowId: string) {
  const job = await getQueue("inbound").getJob(processJobId(eventRowId));
  if (!job) throw new Error(`no queued job for event ${eventRowId}`);
  return processInboundEvent(job.data);
}
