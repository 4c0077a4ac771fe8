// FedEx Track API (POST /track/v1/trackingnumbers) in our words: scan events mapped to
// Rappit's tracking statuses. Pure: no I/O.
import { z } from "zod";
import { orderedEvents, placeOf, type TrackingEvent, type TrackingReport, type TrackingStatus } from "../tracking";

/** FedEx accepts up to 30 tracking numbers in one Track request. */
export const FEDEX_TRACK_BATCH = 30;

export function trackRequest(trackingNumbers: readonly string[]) {
  return {
    includeDetailedScans: true,
    trackingInfo: trackingNumbers.map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })),
  };
}

// FedEx's derived status codes (latestStatusDetail.derivedCode, scanEvents[].derivedStatusCode).
// Anything not listed is movement in FedEx's network: in transit.
const STATUS_BY_CODE: Record<string, TrackingStatus> = {
  OC: "LABEL_CREATED", // shipment information sent to FedEx
  IN: "LABEL_CREATED", // initiated
  OD: "OUT_FOR_DELIVERY",
  DL: "DELIVERED",
  DE: "EXCEPTION", // delivery exception
  SE: "EXCEPTION", // shipment exception
  CA: "EXCEPTION", // cancelled by FedEx after the label
  RS: "RETURNED", // returning to shipper
  RP: "RETURNED", // return label link / returned
};

export function fedexTrackingStatus(code: string): TrackingStatus {
  return STATUS_BY_CODE[code.toUpperCase()] ?? "IN_TRANSIT";
}

const scanEventSchema = z.object({
  date: z.string(),
  eventType: z.string().default(""),
  eventDescription: z.string().default(""),
  derivedStatusCode: z.string().optional(),
  scanLocation: z.object({ city: z.string().optional(), stateOrProvinceCode: z.string().optional(), countryCode: z.string().optional() }).partial().optional(),
});

const trackSchema = z.object({
  output: z.object({
    completeTrackResults: z
      .array(
        z.object({
          trackingNumber: z.string(),
          trackResults: z
            .array(
              z.object({
                error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
                scanEvents: z.array(scanEventSchema).default([]),
              }),
            )
            .default([]),
        }),
      )
      .default([]),
  }),
});

function eventOf(scan: z.infer<typeof scanEventSchema>): TrackingEvent | null {
  const occurredAt = new Date(scan.date);
  if (Number.isNaN(occurredAt.getTime())) return null;
  const code = scan.derivedStatusCode || scan.eventType;
  const location = placeOf(scan.scanLocation?.city, scan.scanLocation?.stateOrProvinceCode, scan.scanLocation?.countryCode);
  return {
    key: `${occurredAt.toISOString()}|${scan.eventType}|${location ?? ""}`,
    status: fedexTrackingStatus(code),
    occurredAt,
    location,
    carrierCode: scan.eventType || code,
    description: scan.eventDescription,
  };
}

export function trackingFrom(body: unknown): TrackingReport[] {
  return trackSchema.parse(body).output.completeTrackResults.map((result): TrackingReport => {
    const error = result.trackResults.find((r) => r.error)?.error;
    const scans = result.trackResults.flatMap((r) => r.scanEvents);
    if (error && scans.length === 0) {
      return { trackingNumber: result.trackingNumber, found: false, message: error.message ?? error.code ?? "FedEx does not know this tracking number" };
    }
    const events = scans.map(eventOf).filter((event): event is TrackingEvent => event !== null);
    return { trackingNumber: result.trackingNumber, found: true, events: orderedEvents(events) };
  });
}
