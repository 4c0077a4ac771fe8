// Track API: by tracking number (2.7) and by reference ("Track by References",
// how Rappit finds a shipment whose ship answer was lost).
import { fedexErrors, invalidField, type FedexError } from "./errors";
import { at, list, record, text, type Reply } from "./http";
import type { BusinessContext } from "./shipping";
import type { FedexShipment } from "./state";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function trackResult(shipment: FedexShipment, trackingNumber: string) {
  return {
    trackingNumberInfo: { trackingNumber, trackingNumberUniqueId: `12029~${trackingNumber}~FDEG`, carrierCode: shipment.serviceType.includes("GROUND") ? "FDXG" : "FDXE" },
    additionalTrackingInfo: {
      packageIdentifiers: shipment.references.length > 0 ? [{ type: "CUSTOMER_REFERENCE", values: shipment.references }] : [],
    },
    latestStatusDetail: { code: shipment.status.code, derivedCode: shipment.status.code, statusByLocale: shipment.status.description, description: shipment.status.description },
    serviceDetail: { type: shipment.serviceType },
    dateAndTimes: [{ type: "SHIP", dateTime: shipment.createdAt }],
    scanEvents: [...shipment.scanEvents].reverse(),
  };
}

/** POST /track/v1/referencenumbers */
export function lookupReply(ctx: BusinessContext): Reply {
  const info = record(ctx.body.referencesInformation);
  if (!info) return fedexErrors(400, [invalidField("referencesInformation")]);
  const errors: FedexError[] = [];
  const value = text(info.value);
  if (!value) errors.push(invalidField("referencesInformation.value"));
  const type = text(info.type) ?? "CUSTOMER_REFERENCE";
  const account = text(info.accountNumber);
  // FedEx needs the account, or the destination, to narrow a reference search.
  if (!account && !(text(info.destinationCountryCode) && text(info.destinationPostalCode))) {
    errors.push(invalidField("referencesInformation.accountNumber"));
  }
  const begin = text(info.shipDateBegin);
  const end = text(info.shipDateEnd);
  if (begin && !DAY.test(begin)) errors.push(invalidField("referencesInformation.shipDateBegin", "must be YYYY-MM-DD"));
  if (end && !DAY.test(end)) errors.push(invalidField("referencesInformation.shipDateEnd", "must be YYYY-MM-DD"));
  if (errors.length > 0 || !value) return fedexErrors(400, errors);

  const found = ctx.state.shipments.filter((shipment) => {
    const day = shipment.createdAt.slice(0, 10);
    return (
      !shipment.cancelled &&
      (!account || shipment.accountNumber === account) &&
      (!begin || day >= begin) &&
      (!end || day <= end) &&
      shipment.customerReferences.some((r) => r.customerReferenceType === type && r.value === value)
    );
  });
  // Assumption: nothing found is an empty completeTrackResults; FedEx's exact "not found" shape is undocumented here.
  const completeTrackResults = found.map((shipment) => ({
    trackingNumber: shipment.trackingNumber,
    trackResults: [trackResult(shipment, shipment.trackingNumber)],
  }));
  return { status: 200, body: { output: { completeTrackResults } } };
}

/** POST /track/v1/trackingnumbers */
export function trackReply(ctx: BusinessContext): Reply {
  const numbers = list(ctx.body.trackingInfo)
    .map((entry) => text(at(entry, "trackingNumberInfo.trackingNumber")))
    .filter((n): n is string => n !== null);
  if (numbers.length === 0) return fedexErrors(400, [{ code: "TRACKING.TRACKINGNUMBER.EMPTY", message: "Please provide tracking number." }]);
  const completeTrackResults = numbers.map((trackingNumber) => {
    const shipment = ctx.state.shipment(trackingNumber);
    if (shipment) return { trackingNumber, trackResults: [trackResult(shipment, trackingNumber)] };
    return {
      trackingNumber,
      trackResults: [
        {
          trackingNumberInfo: { trackingNumber, trackingNumberUniqueId: "", carrierCode: "" },
          error: { code: "TRACKING.TRACKINGNUMBER.NOTFOUND", message: "Tracking number cannot be found. Please correct the tracking number and try again." },
        },
      ],
    };
  });
  return { status: 200, body: { output: { completeTrackResults } } };
}
