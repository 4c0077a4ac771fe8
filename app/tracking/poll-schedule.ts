// When to ask the carrier again. A shipment that just moved is asked again soon (sooner
// once it is out for delivery); one that keeps saying the same thing is asked less and
// less often, so a parcel stuck in customs does not cost a request every few minutes.
import { FINAL_TRACKING_STATUSES, type TrackingStatus } from "../carriers/tracking";

const MINUTE = 60_000;
export const FIRST_POLL_DELAY_MS = 30 * MINUTE;
const OUT_FOR_DELIVERY_DELAY_MS = 15 * MINUTE;
export const MAX_POLL_DELAY_MS = 12 * 60 * MINUTE;

/** The next poll time, or null when the status is final and polling stops. */
export function nextPollAt(now: Date, status: TrackingStatus | null, unchangedPolls: number): Date | null {
  if (status && FINAL_TRACKING_STATUSES.has(status)) return null;
  const base = status === "OUT_FOR_DELIVERY" ? OUT_FOR_DELIVERY_DELAY_MS : FIRST_POLL_DELAY_MS;
  const delay = Math.min(MAX_POLL_DELAY_MS, base * 2 ** Math.min(unchangedPolls, 10));
  return new Date(now.getTime() + delay);
}
