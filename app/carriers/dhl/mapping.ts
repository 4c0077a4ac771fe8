// Our shipments in DHL eCommerce Americas v4 shapes, and its answers in ours. Pure.
import { z } from "zod";
import type { FoundShipment, LabelRequest, Parcel, PostalAddress, PurchasedLabel, RateQuote } from "../connector";

function address(a: PostalAddress) {
  return {
    name: a.name,
    companyName: a.company ?? undefined,
    address1: a.address1,
    address2: a.address2 ?? undefined,
    city: a.city,
    state: a.provinceCode ?? undefined,
    country: a.countryCode,
    postalCode: a.zip,
    phone: a.phone ?? undefined,
  };
}

const weight = (parcel: Parcel) => ({ value: Math.max(0.1, Math.round((parcel.weightGrams / 453.592) * 100) / 100), unitOfMeasure: "LB" });

export function productsRequest(pickup: string, distributionCenter: string, from: PostalAddress, to: PostalAddress, parcel: Parcel) {
  return { pickup, distributionCenter, consigneeAddress: address(to), returnAddress: address(from), packageDetail: { weight: weight(parcel) }, rate: { calculate: true, currency: "USD" } };
}

const productsSchema = z.object({
  products: z.array(z.object({ orderedProductId: z.string(), productName: z.string().optional(), rate: z.object({ amount: z.number(), currency: z.string() }).optional() })),
});

export function quotesFrom(body: unknown): RateQuote[] {
  return productsSchema
    .parse(body)
    .products.filter((product) => product.rate)
    .map((product) => ({
      service: product.orderedProductId,
      serviceName: product.productName ?? product.orderedProductId,
      amount: product.rate!.amount.toFixed(2),
      currency: product.rate!.currency,
    }));
}

export function labelRequest(pickup: string, distributionCenter: string, request: LabelRequest) {
  return {
    pickup,
    distributionCenter,
    orderedProductId: request.service,
    consigneeAddress: address(request.to),
    returnAddress: address(request.from),
    // packageId is unique per pickup account: our reference, so a resend cannot buy twice.
    packageDetail: { packageId: request.reference, packageDescription: request.orderName.slice(0, 50), weight: weight(request.parcel) },
  };
}

const labelsSchema = z.object({
  labels: z
    .array(z.object({ packageId: z.string().optional(), dhlPackageId: z.string().optional(), trackingId: z.string().nullish(), labelData: z.string(), format: z.string().optional() }))
    .min(1),
});

function firstLabel(body: unknown) {
  const label = labelsSchema.parse(body).labels[0];
  // The last-mile tracking id can come later for international parcels: DHL's own id tracks until then.
  const trackingNumber = label.trackingId || label.dhlPackageId;
  if (!trackingNumber) throw new Error("DHL sent a label without a tracking id or package id");
  return { label, trackingNumber };
}

export function labelFrom(body: unknown, requested: LabelRequest["labelFormat"]): PurchasedLabel {
  const { label, trackingNumber } = firstLabel(body);
  return {
    trackingNumber,
    carrierShipmentId: label.dhlPackageId ?? null,
    labelFormat: label.format === "ZPL" ? "ZPL" : requested,
    label: Buffer.from(label.labelData, "base64"),
    amount: null,
    currency: null,
  };
}

export function foundFrom(body: unknown): FoundShipment {
  const { label, trackingNumber } = firstLabel(body);
  return {
    trackingNumber,
    carrierShipmentId: label.dhlPackageId ?? null,
    label: Buffer.from(label.labelData, "base64"),
    labelFormat: label.format === "ZPL" ? "ZPL" : "PDF",
  };
}
