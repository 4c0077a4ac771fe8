// After a level changes, the channels must hear of it. Requests are coalesced: one
// push job per shop per second (a time-bucketed job id), which pushes every item whose
// `version` is ahead of `syncedVersion`. A request lost to a Redis outage is not lost
// work: the item stays behind and the push sweep finds it.
import { enqueue, QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { PUSH_STOCK_JOB, RETRY_HOLDS_JOB } from "./job-names";

const logger = loggerFor("inventory");
export const PUSH_DEBOUNCE_MS = 1_000;

async function enqueueDebounced(name: string, prefix: string, shopId: string, windowMs: number): Promise<boolean> {
  const bucket = Math.floor(Date.now() / windowMs) + 1;
  const delay = Math.max(0, bucket * windowMs - Date.now());
  try {
    await enqueue({ queue: "inventory", name, data: { shopId }, jobId: `${prefix}-${shopId}-${bucket}`, options: { delay } });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shopId, job: name }, "queue unavailable: the inventory sweep will catch up");
    return false;
  }
}

/** The shop's levels changed: push them to its channels within about a second. */
export function requestInventoryPush(shopId: string): Promise<boolean> {
  return enqueueDebounced(PUSH_STOCK_JOB, "push", shopId, PUSH_DEBOUNCE_MS);
}

/** Stock came in: orders on hold for lack of it get another try. */
export function requestStockHoldRetry(shopId: string): Promise<boolean> {
  return enqueueDebounced(RETRY_HOLDS_JOB, "holds", shopId, PUSH_DEBOUNCE_MS);
}
