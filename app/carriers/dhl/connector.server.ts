// DHL eCommerce Americas v4 through the shared core (client-credentials tokens,
// carrier policy). The packageId is our reference, so a lost answer is recovered by
// reprinting the label of that package instead of buying another.
import { CarrierRequestError, type CarrierConnector, type PostalAddress } from "../connector";
import { carrierRequest } from "../carrier-http.server";
import type { CarrierCallContext } from "../carrier-call.server";
import { foundFrom, labelFrom, labelRequest, productsRequest, quotesFrom } from "./mapping";
import { DHL_TRACK_BATCH, trackingFrom, trackPath } from "./tracking-mapping";

const PROBE_FROM: PostalAddress = { name: "Rappit", address1: "1210 S Pine Island Rd", city: "Plantation", provinceCode: "FL", zip: "33324", countryCode: "US" };
const PROBE_TO: PostalAddress = { name: "Rappit", address1: "2700 S Commerce Pkwy", city: "Weston", provinceCode: "FL", zip: "33331", countryCode: "US" };

export function dhlConnector(context: CarrierCallContext & { distributionCenter: string }): CarrierConnector {
  const { accountNumber: pickup, baseUrl, call, distributionCenter } = context;
  const request = (method: "GET" | "POST", path: string, body: unknown, idempotent: boolean) =>
    call((authorization, signal) => carrierRequest(`${baseUrl}${path}`, { method, authorization, body, signal }), { idempotent });

  return {
    carrier: "DHL_ECOMMERCE",
    async testConnection() {
      await request("POST", "/shipping/v4/products", productsRequest(pickup, distributionCenter, PROBE_FROM, PROBE_TO, { weightGrams: 454 }), true);
    },
    async quote({ from, to, parcel }) {
      return quotesFrom((await request("POST", "/shipping/v4/products", productsRequest(pickup, distributionCenter, from, to, parcel), true)).body);
    },
    async buyLabel(label) {
      const format = label.labelFormat === "ZPL" ? "ZPL" : "PDF";
      return labelFrom((await request("POST", `/shipping/v4/label?format=${format}`, labelRequest(pickup, distributionCenter, label), false)).body, label.labelFormat);
    },
    async findByReference(reference) {
      const query = new URLSearchParams({ pickup, packageId: reference });
      try {
        return foundFrom((await request("GET", `/shipping/v4/label?${query}`, undefined, true)).body);
      } catch (error) {
        if (error instanceof CarrierRequestError && error.status === 404) return null;
        throw error;
      }
    },
    trackBatchSize: DHL_TRACK_BATCH,
    async track(trackingNumbers) {
      const reports = [];
      for (const trackingNumber of trackingNumbers) {
        try {
          reports.push(trackingFrom(trackingNumber, (await request("GET", trackPath(trackingNumber), undefined, true)).body));
        } catch (error) {
          // DHL answers 404 for a package it has no events for yet.
          if (!(error instanceof CarrierRequestError && error.status === 404)) throw error;
          reports.push({ trackingNumber, found: false as const, message: error.message });
        }
      }
      return reports;
    },
  };
}
