// One status set for every carrier's tracking events. Each connector maps its carrier's
// codes onto it; everything downstream (stored events, fulfillment events on the channel,
// COD collection, notifications) speaks only these.
export const TRACKING_STATUSES = ["LABEL_CREATED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "EXCEPTION", "RETURNED"] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** After these the carrier reports nothing new: polling stops. */
export const FINAL_TRACKING_STATUSES: ReadonlySet<TrackingStatus> = new Set(["DELIVERED", "RETURNED"]);

export interface TrackingEvent {
  /**
   * The event's identity at the carrier: stable across polls (time, code and place), so an
   * event seen again is recognised and stored once.
   */
  key: string;
  status: TrackingStatus;
  occurredAt: Date;
  location: string | null;
  /** The carrier's own code and text, kept for support. */
  carrierCode: string;
  description: string;
}

export type TrackingReport =
  | { trackingNumber: string; found: true; events: TrackingEvent[] }
  /** The carrier does not know the number (yet): not an error of the whole request. */
  | { trackingNumber: string; found: false; message: string };

/** The report's latest status: its newest event's, or null before the carrier has any. */
export function latestStatus(events: readonly TrackingEvent[]): TrackingStatus | null {
  let latest: TrackingEvent | null = null;
  for (const event of events) if (!latest || event.occurredAt.getTime() >= latest.occurredAt.getTime()) latest = event;
  return latest?.status ?? null;
}

/** Oldest first, duplicates (same key) dropped: carriers repeat scans and list newest first. */
export function orderedEvents(events: readonly TrackingEvent[]): TrackingEvent[] {
  const byKey = new Map<string, TrackingEvent>();
  for (const event of events) if (!byKey.has(event.key)) byKey.set(event.key, event);
  return [...byKey.values()].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** "Memphis, TN, US" from whatever parts the carrier gave. */
export function placeOf(...parts: Array<string | null | undefined>): string | null {
  const named = parts.map((part) => part?.trim()).filter((part): part is string => Boolean(part));
  return named.length > 0 ? named.join(", ") : null;
}
