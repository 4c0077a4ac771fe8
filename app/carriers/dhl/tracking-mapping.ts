// DHL eCommerce Americas tracking (GET /tracking/v4/package?trackingId=) in our words.
// DHL's event ids are not published in what we have, so events are recognised by their
// description, which DHL writes in fixed upper-case phrases. Pure: no I/O.
import { z } from "zod";
import { orderedEvents, placeOf, type TrackingEvent, type TrackingReport, type TrackingStatus } from "../tracking";

/** The v4 tracking call takes one package per request. */
export const DHL_TRACK_BATCH = 1;

export const trackPath = (trackingNumber: string) => `/tracking/v4/package?${new URLSearchParams({ trackingId: trackingNumber })}`;

// Checked in order: "RETURNED TO SHIPPER" must not read as delivered, "OUT FOR DELIVERY"
// must not read as delivered either.
const RULES: Array<[RegExp, TrackingStatus]> = [
  [/RETURN(ED)? TO (SHIPPER|SENDER)|RETURNING TO/, "RETURNED"],
  [/OUT FOR DELIVERY/, "OUT_FOR_DELIVERY"],
  [/UNDELIVERABLE|UNABLE TO DELIVER|DELIVERY ATTEMPT|EXCEPTION|DAMAGED|ADDRESS (ISSUE|INCORRECT)|REFUSED/, "EXCEPTION"],
  [/DELIVERED/, "DELIVERED"],
  [/LABEL CREATED|ELECTRONIC NOTIFICATION|SHIPMENT DATA RECEIVED/, "LABEL_CREATED"],
];

export function dhlTrackingStatus(description: string): TrackingStatus {
  const text = description.toUpperCase();
  return RULES.find(([pattern]) => pattern.test(text))?.[1] ?? "IN_TRANSIT";
}

const eventSchema = z.object({
  date: z.string(),
  time: z.string().default("00:00:00"),
  timeZone: z.string().optional(),
  primaryEventId: z.number().optional(),
  primaryEventDescription: z.string().default(""),
  eventCode: z.string().optional(),
  location: z.string().optional(),
});

const trackSchema = z.object({ packages: z.array(z.object({ events: z.array(eventSchema).default([]) })).default([]) });

function eventOf(event: z.infer<typeof eventSchema>): TrackingEvent | null {
  // DHL gives a local date and time with the zone's name; without an offset it is read as UTC.
  const occurredAt = new Date(`${event.date}T${event.time}Z`);
  if (Number.isNaN(occurredAt.getTime())) return null;
  const code = event.eventCode ?? (event.primaryEventId !== undefined ? String(event.primaryEventId) : "");
  const location = placeOf(event.location);
  return {
    key: `${event.date}T${event.time}|${code}|${event.primaryEventDescription}|${location ?? ""}`,
    status: dhlTrackingStatus(event.primaryEventDescription),
    occurredAt,
    location,
    carrierCode: code,
    description: event.primaryEventDescription,
  };
}

export function trackingFrom(trackingNumber: string, body: unknown): TrackingReport {
  const events = trackSchema
    .parse(body)
    .packages.flatMap((pkg) => pkg.events)
    .map(eventOf)
    .filter((event): event is TrackingEvent => event !== null);
  return { trackingNumber, found: true, events: orderedEvents(events) };
}
