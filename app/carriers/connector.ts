// What every carrier connector offers, in our own words; each carrier's folder
// maps these to its API (settings, transport, mapping), like karrio's connectors.
import type { TrackingReport } from "./tracking";

export type CarrierCode = "FEDEX" | "DHL_ECOMMERCE";
export type CarrierEnvironment = "SANDBOX" | "PRODUCTION";
export type LabelFormat = "PDF" | "ZPL";

export interface PostalAddress {
  name: string;
  company?: string | null;
  phone?: string | null;
  address1: string;
  address2?: string | null;
  city: string;
  provinceCode?: string | null;
  zip: string;
  countryCode: string;
}

export interface Parcel {
  weightGrams: number;
}

export interface RateQuote {
  service: string;
  serviceName: string;
  amount: string;
  currency: string;
}

export interface LabelRequest {
  /** Our reference on the carrier's shipment: looked up after a lost answer. */
  reference: string;
  service: string;
  from: PostalAddress;
  to: PostalAddress;
  parcel: Parcel;
  labelFormat: LabelFormat;
  /** Shown on the label (e.g. the order name). */
  orderName: string;
}

export interface PurchasedLabel {
  trackingNumber: string;
  carrierShipmentId: string | null;
  labelFormat: LabelFormat;
  label: Buffer;
  amount: string | null;
  currency: string | null;
}

/** A shipment the carrier already has for our reference; the label document may not be retrievable. */
export interface FoundShipment {
  trackingNumber: string;
  carrierShipmentId: string | null;
  label: Buffer | null;
  labelFormat: LabelFormat | null;
}

export interface CarrierConnector {
  readonly carrier: CarrierCode;
  /** Fetches a token and makes one harmless authenticated call. */
  testConnection(): Promise<void>;
  quote(request: Omit<LabelRequest, "reference" | "service" | "labelFormat" | "orderName">): Promise<RateQuote[]>;
  buyLabel(request: LabelRequest): Promise<PurchasedLabel>;
  findByReference(reference: string, createdAt: Date): Promise<FoundShipment | null>;
  /** How many tracking numbers one track() call takes. */
  readonly trackBatchSize: number;
  /** The carrier's events for each number (read-only, so retried like any idempotent call). */
  track(trackingNumbers: readonly string[]): Promise<TrackingReport[]>;
}

/** The carrier refused the request itself (validation, permissions): retrying will not help. */
export class CarrierRequestError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "CarrierRequestError";
  }
}
