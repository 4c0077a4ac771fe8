import { describe, expect, it } from "vitest";
import { dhlTrackingStatus, trackingFrom as dhlTrackingFrom } from "~/carriers/dhl/tracking-mapping";
import { fedexTrackingStatus, trackingFrom as fedexTrackingFrom, trackRequest } from "~/carriers/fedex/tracking-mapping";
import { latestStatus } from "~/carriers/tracking";

describe("FedEx tracking mapping", () => {
  it.each([
    ["OC", "LABEL_CREATED"],
    ["IN", "LABEL_CREATED"],
    ["PU", "IN_TRANSIT"],
    ["AR", "IN_TRANSIT"],
    ["DY", "IN_TRANSIT"],
    ["od", "OUT_FOR_DELIVERY"],
    ["DL", "DELIVERED"],
    ["DE", "EXCEPTION"],
    ["SE", "EXCEPTION"],
    ["RS", "RETURNED"],
    ["ZZ", "IN_TRANSIT"],
  ])("%s → %s", (code, status) => {
    expect(fedexTrackingStatus(code)).toBe(status);
  });

  it("asks for detailed scans of every number", () => {
    expect(trackRequest(["1", "2"])).toEqual({ includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber: "1" } }, { trackingNumberInfo: { trackingNumber: "2" } }] });
  });

  it("orders scans oldest first, drops repeats and undated scans, prefers the derived code", () => {
    const scan = (date: string, eventType: string, derivedStatusCode?: string) => ({ date, eventType, eventDescription: eventType, derivedStatusCode, scanLocation: { city: "MEMPHIS", countryCode: "US" } });
    const [report] = fedexTrackingFrom({
      output: {
        completeTrackResults: [
          {
            trackingNumber: "7946",
            trackResults: [{ scanEvents: [scan("2026-11-21T10:00:00Z", "OD"), scan("2026-11-20T10:00:00Z", "AR", "IT"), scan("2026-11-20T10:00:00Z", "AR", "IT"), scan("not a date", "DL")] }],
          },
        ],
      },
    });
    if (!report.found) throw new Error("expected a report");
    expect(report.events.map((event) => [event.carrierCode, event.status, event.location])).toEqual([
      ["AR", "IN_TRANSIT", "MEMPHIS, US"],
      ["OD", "OUT_FOR_DELIVERY", "MEMPHIS, US"],
    ]);
    expect(latestStatus(report.events)).toBe("OUT_FOR_DELIVERY");
  });

  it("a number FedEx does not know is not found, with FedEx's message", () => {
    const [report] = fedexTrackingFrom({
      output: { completeTrackResults: [{ trackingNumber: "1", trackResults: [{ error: { code: "TRACKING.TRACKINGNUMBER.NOTFOUND", message: "Tracking number cannot be found." } }] }] },
    });
    expect(report).toEqual({ trackingNumber: "1", found: false, message: "Tracking number cannot be found." });
  });

  it("an answer of another shape is an error, not an empty report", () => {
    expect(() => fedexTrackingFrom({ output: { completeTrackResults: [{ trackResults: [] }] } })).toThrow();
  });
});

describe("DHL eCommerce tracking mapping", () => {
  it.each([
    ["LABEL CREATED", "LABEL_CREATED"],
    ["ELECTRONIC NOTIFICATION RECEIVED", "LABEL_CREATED"],
    ["PROCESSED AT DHL ECOMMERCE DISTRIBUTION CENTER", "IN_TRANSIT"],
    ["Out for Delivery", "OUT_FOR_DELIVERY"],
    ["DELIVERED", "DELIVERED"],
    ["DELIVERY ATTEMPTED - NO ACCESS", "EXCEPTION"],
    ["UNDELIVERABLE ADDRESS", "EXCEPTION"],
    ["RETURNED TO SHIPPER", "RETURNED"],
    ["RETURN TO SENDER: DELIVERED TO SHIPPER", "RETURNED"],
  ])("%s → %s", (description, status) => {
    expect(dhlTrackingStatus(description)).toBe(status);
  });

  it("reads date and time as UTC and keys each event by time, code, text and place", () => {
    const report = dhlTrackingFrom("GM1", { packages: [{ events: [{ date: "2026-11-21", time: "15:45:00", primaryEventId: 600, primaryEventDescription: "DELIVERED", location: "Austin, TX" }] }] });
    if (!report.found) throw new Error("expected a report");
    expect(report.events).toEqual([
      { key: "2026-11-21T15:45:00|600|DELIVERED|Austin, TX", status: "DELIVERED", occurredAt: new Date("2026-11-21T15:45:00Z"), location: "Austin, TX", carrierCode: "600", description: "DELIVERED" },
    ]);
  });
});
