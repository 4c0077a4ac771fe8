// FedEx through the shared core: cached bearer tokens (client credentials), the
// carrier policy (timeout, breaker, retries only where safe) and FedEx's shapes.
import { randomUUID } from "node:crypto";
import type { CarrierConnector, LabelRequest, PostalAddress } from "../connector";
import { carrierRequest } from "../carrier-http.server";
import type { CarrierCallContext } from "../carrier-call.server";
import { foundFrom, labelFrom, quotesFrom, rateRequest, referenceLookupRequest, shipRequest } from "./mapping";
import { FEDEX_TRACK_BATCH, trackingFrom, trackRequest } from "./tracking-mapping";

// Any valid US address pair will do for a harmless authenticated call: a rate quote buys nothing.
const PROBE_FROM: PostalAddress = { name: "Rappit", address1: "3875 Airways Blvd", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" };
const PROBE_TO: PostalAddress = { name: "Rappit", address1: "1000 FedEx Dr", city: "Moon Township", provinceCode: "PA", zip: "15108", countryCode: "US" };

export function fedexConnector(context: CarrierCallContext): CarrierConnector {
  const { accountNumber, baseUrl, call } = context;
  const post = (path: string, body: unknown, idempotent: boolean) =>
    call(
      (authorization, signal) =>
        carrierRequest(`${baseUrl}${path}`, {
          method: "POST",
          authorization,
          body,
          signal,
          // Echoed in every answer (and FedEx's logs): ties a support case to our call.
          headers: { "x-customer-transaction-id": randomUUID(), "x-locale": "en_US" },
        }),
      { idempotent },
    );

  return {
    carrier: "FEDEX",
    async testConnection() {
      await post("/rate/v1/rates/quotes", rateRequest(accountNumber, PROBE_FROM, PROBE_TO, { weightGrams: 454 }), true);
    },
    async quote({ from, to, parcel }) {
      return quotesFrom((await post("/rate/v1/rates/quotes", rateRequest(accountNumber, from, to, parcel), true)).body);
    },
    async buyLabel(request: LabelRequest) {
      // Not idempotent at FedEx: never repeated blindly; the caller looks the reference up first.
      return labelFrom((await post("/ship/v1/shipments", shipRequest(accountNumber, request), false)).body, request.labelFormat);
    },
    async findByReference(reference, createdAt) {
      return foundFrom((await post("/track/v1/referencenumbers", referenceLookupRequest(accountNumber, reference, createdAt), true)).body);
    },
    trackBatchSize: FEDEX_TRACK_BATCH,
    async track(trackingNumbers) {
      if (trackingNumbers.length > FEDEX_TRACK_BATCH) throw new RangeError(`FedEx tracks at most ${FEDEX_TRACK_BATCH} numbers per request`);
      return trackingFrom((await post("/track/v1/trackingnumbers", trackRequest(trackingNumbers), true)).body);
    },
  };
}
