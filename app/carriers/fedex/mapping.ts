// Our shipments in FedEx's request shapes, and FedEx's answers in ours (Rate, Ship,
// Track by References). Pure: no I/O.
import { z } from "zod";
import type { FoundShipment, LabelRequest, Parcel, PostalAddress, PurchasedLabel, RateQuote } from "../connector";
import { FEDEX_SERVICE_NAMES } from "./settings";

function party(address: PostalAddress) {
  return {
    address: {
      streetLines: [address.address1, address.address2].filter((line): line is string => Boolean(line)),
      city: address.city,
      stateOrProvinceCode: address.provinceCode ?? undefined,
      postalCode: address.zip,
      countryCode: address.countryCode,
    },
    contact: { personName: address.name, companyName: address.company ?? undefined, phoneNumber: address.phone ?? "0000000000" },
  };
}

const pounds = (parcel: Parcel) => Math.max(0.1, Math.round((parcel.weightGrams / 453.592) * 10) / 10);

export function rateRequest(accountNumber: string, from: PostalAddress, to: PostalAddress, parcel: Parcel) {
  return {
    accountNumber: { value: accountNumber },
    rateRequestControlParameters: { returnTransitTimes: false },
    requestedShipment: {
      shipper: { address: party(from).address },
      recipient: { address: party(to).address },
      pickupType: "DROPOFF_AT_FEDEX_LOCATION",
      packagingType: "YOUR_PACKAGING",
      rateRequestType: ["ACCOUNT"],
      requestedPackageLineItems: [{ weight: { units: "LB", value: pounds(parcel) } }],
    },
  };
}

const ratesSchema = z.object({
  output: z.object({
    rateReplyDetails: z.array(
      z.object({
        serviceType: z.string(),
        serviceName: z.string().optional(),
        ratedShipmentDetails: z
          .array(z.object({ rateType: z.string().optional(), totalNetCharge: z.number(), shipmentRateDetail: z.object({ currency: z.string() }).partial().optional(), currency: z.string().optional() }))
          .min(1),
      }),
    ),
  }),
});

export function quotesFrom(body: unknown): RateQuote[] {
  const { output } = ratesSchema.parse(body);
  return output.rateReplyDetails.map((detail) => {
    const rated = detail.ratedShipmentDetails.find((r) => r.rateType === "ACCOUNT") ?? detail.ratedShipmentDetails[0];
    return {
      service: detail.serviceType,
      serviceName: detail.serviceName ?? FEDEX_SERVICE_NAMES[detail.serviceType] ?? detail.serviceType,
      amount: rated.totalNetCharge.toFixed(2),
      currency: rated.shipmentRateDetail?.currency ?? rated.currency ?? "USD",
    };
  });
}

export function shipRequest(accountNumber: string, request: LabelRequest) {
  return {
    accountNumber: { value: accountNumber },
    labelResponseOptions: "LABEL",
    requestedShipment: {
      shipper: party(request.from),
      recipients: [party(request.to)],
      pickupType: "DROPOFF_AT_FEDEX_LOCATION",
      serviceType: request.service,
      packagingType: "YOUR_PACKAGING",
      shippingChargesPayment: { paymentType: "SENDER" },
      labelSpecification: { imageType: request.labelFormat === "ZPL" ? "ZPLII" : "PDF", labelStockType: "STOCK_4X6" },
      requestedPackageLineItems: [
        {
          weight: { units: "LB", value: pounds(request.parcel) },
          // Our reference travels with the package: Track by References finds it after a lost answer.
          customerReferences: [
            { customerReferenceType: "CUSTOMER_REFERENCE", value: request.reference },
            { customerReferenceType: "INVOICE_NUMBER", value: request.orderName.slice(0, 30) },
          ],
        },
      ],
    },
  };
}

const shipSchema = z.object({
  output: z.object({
    transactionShipments: z
      .array(
        z.object({
          masterTrackingNumber: z.string(),
          pieceResponses: z
            .array(
              z.object({
                trackingNumber: z.string().optional(),
                netChargeAmount: z.number().optional(),
                packageDocuments: z.array(z.object({ contentType: z.string().optional(), docType: z.string().optional(), encodedLabel: z.string().optional() })).optional(),
              }),
            )
            .optional(),
        }),
      )
      .min(1),
  }),
});

export function labelFrom(body: unknown, requested: LabelRequest["labelFormat"]): PurchasedLabel {
  const shipment = shipSchema.parse(body).output.transactionShipments[0];
  const piece = shipment.pieceResponses?.[0];
  const document = piece?.packageDocuments?.find((doc) => (doc.contentType ?? "").includes("LABEL") && doc.encodedLabel);
  if (!document?.encodedLabel) throw new Error(`FedEx created shipment ${shipment.masterTrackingNumber} but sent no label document`);
  return {
    trackingNumber: shipment.masterTrackingNumber,
    carrierShipmentId: null,
    labelFormat: document.docType === "ZPLII" ? "ZPL" : requested,
    label: Buffer.from(document.encodedLabel, "base64"),
    amount: piece?.netChargeAmount !== undefined ? piece.netChargeAmount.toFixed(2) : null,
    currency: null,
  };
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export function referenceLookupRequest(accountNumber: string, reference: string, createdAt: Date) {
  const from = new Date(createdAt.getTime() - 86_400_000);
  const to = new Date(Math.max(Date.now(), createdAt.getTime()) + 86_400_000);
  return {
    referencesInformation: { type: "CUSTOMER_REFERENCE", value: reference, accountNumber, shipDateBegin: day(from), shipDateEnd: day(to) },
    includeDetailedScans: false,
  };
}

const lookupSchema = z.object({
  output: z.object({ completeTrackResults: z.array(z.object({ trackingNumber: z.string().optional(), trackResults: z.array(z.object({ trackingNumberInfo: z.object({ trackingNumber: z.string() }).optional(), error: z.unknown().optional() })).optional() })).default([]) }),
});

/** FedEx cannot send a label again: a found shipment comes back without its document. */
export function foundFrom(body: unknown): FoundShipment | null {
  for (const result of lookupSchema.parse(body).output.completeTrackResults) {
    const number = result.trackResults?.find((r) => r.trackingNumberInfo && !r.error)?.trackingNumberInfo?.trackingNumber ?? result.trackingNumber;
    if (number) return { trackingNumber: number, carrierShipmentId: null, label: null, labelFormat: null };
  }
  return null;
}
