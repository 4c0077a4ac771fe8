// Jobs of the tracking capability, on the fulfillment queue (they follow a shipment after its label).
export const TRACKING_SWEEP_JOB = "tracking.sweep";
export const TRACKING_POLL_JOB = "tracking.poll-shop";

/** How often the sweep looks for shops with shipments due. */
export const TRACKING_SWEEP_EVERY_MS = 5 * 60_000;
