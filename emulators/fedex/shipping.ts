// Rate, Ship and Cancel (carriers-woo.md 2.5, 2.6). Prices are a deterministic
// function of service and billable weight, so tests can assert amounts.
import { MESSAGES, fedexError, fedexErrors, invalidField, type FedexError } from "./errors";
import { at, list, record, text, type Json, type Reply } from "./http";
import { PNG_LABEL, eplLabel, pdfLabel, zplLabel } from "../carrier-shared/label-documents";
import type { FedexCustomerReference, FedexShipment, FedexState, FedexToken } from "./state";

export interface BusinessContext {
  state: FedexState;
  token: FedexToken;
  body: Json;
}

interface Service {
  name: string;
  category: "GROUND" | "EXPRESS";
  international: boolean;
  /** Offered by the Rate API when no serviceType is asked for. */
  quoted: boolean;
  base: number;
  perLb: number;
}

// Assumption: a subset of FedEx service types; both the old and the FEDEX_-prefixed
// international names are accepted, as FedEx did during its renaming.
const SERVICES: Record<string, Service> = {
  FEDEX_GROUND: { name: "FedEx Ground", category: "GROUND", international: false, quoted: true, base: 9.5, perLb: 0.85 },
  GROUND_HOME_DELIVERY: { name: "FedEx Home Delivery", category: "GROUND", international: false, quoted: false, base: 10.25, perLb: 0.9 },
  FEDEX_EXPRESS_SAVER: { name: "FedEx Express Saver", category: "EXPRESS", international: false, quoted: false, base: 15.75, perLb: 1.6 },
  FEDEX_2_DAY: { name: "FedEx 2Day", category: "EXPRESS", international: false, quoted: true, base: 18, perLb: 1.9 },
  STANDARD_OVERNIGHT: { name: "FedEx Standard Overnight", category: "EXPRESS", international: false, quoted: true, base: 32, perLb: 3.1 },
  PRIORITY_OVERNIGHT: { name: "FedEx Priority Overnight", category: "EXPRESS", international: false, quoted: false, base: 38, perLb: 3.4 },
  INTERNATIONAL_PRIORITY: { name: "FedEx International Priority", category: "EXPRESS", international: true, quoted: true, base: 62, perLb: 5.5 },
  FEDEX_INTERNATIONAL_PRIORITY: { name: "FedEx International Priority", category: "EXPRESS", international: true, quoted: false, base: 62, perLb: 5.5 },
  INTERNATIONAL_ECONOMY: { name: "FedEx International Economy", category: "EXPRESS", international: true, quoted: true, base: 45, perLb: 4.2 },
};

const IMAGE_TYPES = ["PDF", "PNG", "ZPLII", "EPL2"];
const KG_TO_LB = 2.20462;

export function price(serviceType: string, pounds: number): number {
  const service = SERVICES[serviceType];
  // FedEx bills whole pounds, rounded up.
  return Math.round((service.base + service.perLb * Math.max(1, Math.ceil(pounds - 1e-9))) * 100) / 100;
}

/** Account present and the token's own: null, or the error reply. */
function accountCheck(ctx: BusinessContext, field: unknown): Reply | null {
  const account = text(field);
  if (!account) return fedexErrors(400, [{ code: "ACCOUNTNUMBER.REGISTRATION.REQUIRED", message: MESSAGES.accountRequired }]);
  if (account !== ctx.token.accountNumber) return fedexError(403, "FORBIDDEN.ERROR", MESSAGES.forbidden);
  return null;
}

/** Errors for requestedPackageLineItems, and the total weight in pounds. */
function packageWeights(items: unknown, field: string): { errors: FedexError[]; pounds: number } {
  if (list(items).length === 0) return { errors: [invalidField(field)], pounds: 0 };
  const errors: FedexError[] = [];
  let pounds = 0;
  list(items).forEach((item, i) => {
    const weight = record(at(item, "weight"));
    const value = weight?.value;
    if (!weight || typeof value !== "number" || !(value > 0)) return void errors.push(invalidField(`${field}[${i}].weight`));
    if (weight.units !== "LB" && weight.units !== "KG") return void errors.push(invalidField(`${field}[${i}].weight.units`, "must be LB or KG"));
    const count = typeof at(item, "groupPackageCount") === "number" ? (at(item, "groupPackageCount") as number) : 1;
    pounds += (weight.units === "KG" ? value * KG_TO_LB : value) * count;
  });
  return { errors, pounds };
}

const today = () => new Date().toISOString().slice(0, 10);

export function rateReply(ctx: BusinessContext): Reply {
  const refused = accountCheck(ctx, at(ctx.body, "accountNumber.value"));
  if (refused) return refused;
  const shipment = ctx.body.requestedShipment;
  const errors: FedexError[] = [];
  const from = text(at(shipment, "shipper.address.countryCode"));
  const to = text(at(shipment, "recipient.address.countryCode"));
  if (!from) errors.push(invalidField("requestedShipment.shipper.address.countryCode"));
  if (!to) errors.push(invalidField("requestedShipment.recipient.address.countryCode"));
  const weights = packageWeights(at(shipment, "requestedPackageLineItems"), "requestedShipment.requestedPackageLineItems");
  errors.push(...weights.errors);
  const asked = text(at(shipment, "serviceType"));
  if (asked && !SERVICES[asked]) errors.push(invalidField("requestedShipment.serviceType", "is not a valid service type"));
  if (errors.length > 0) return fedexErrors(400, errors);

  const international = from !== to;
  const types = asked ? [asked] : Object.keys(SERVICES).filter((type) => SERVICES[type].quoted && SERVICES[type].international === international);
  const currency = text(at(shipment, "preferredCurrency")) ?? "USD";
  const rateTypes = list(at(shipment, "rateRequestType"));
  const rateReplyDetails = types.map((type) => {
    const net = price(type, weights.pounds);
    const detail = (rateType: string, amount: number) => ({
      rateType,
      ratedWeightMethod: "ACTUAL",
      totalBaseCharge: amount,
      totalNetCharge: amount,
      totalNetFedExCharge: amount,
      shipmentRateDetail: { rateZone: international ? "INTL" : "05", currency, surCharges: [], taxes: [] },
    });
    const rated = [detail("ACCOUNT", net)];
    // LIST (published) rates are dearer than the account's; given when asked for.
    if (rateTypes.includes("LIST")) rated.push(detail("LIST", Math.round(net * 118) / 100));
    return {
      serviceType: type,
      serviceName: SERVICES[type].name,
      packagingType: text(at(shipment, "packagingType")) ?? "YOUR_PACKAGING",
      ratedShipmentDetails: rated,
      operationalDetail: { serviceCategory: SERVICES[type].category },
    };
  });
  return { status: 200, body: { output: { rateReplyDetails, quoteDate: today(), encoded: false, alerts: [] } } };
}

function customerReferences(items: unknown[]): FedexCustomerReference[] {
  const found: FedexCustomerReference[] = [];
  for (const item of items) {
    for (const entry of list(at(item, "customerReferences"))) {
      const type = text(at(entry, "customerReferenceType"));
      const value = text(at(entry, "value"));
      if (type && value) found.push({ customerReferenceType: type, value });
    }
  }
  return found;
}

function renderLabel(docType: string, lines: string[], trackingNumber: string): Buffer {
  if (docType === "PDF") return pdfLabel(lines);
  if (docType === "ZPLII") return zplLabel(lines, trackingNumber);
  if (docType === "EPL2") return eplLabel(lines, trackingNumber);
  return PNG_LABEL;
}

export function shipReply(ctx: BusinessContext): Reply {
  const refused = accountCheck(ctx, at(ctx.body, "accountNumber.value"));
  if (refused) return refused;
  const requested = record(ctx.body.requestedShipment);
  if (!requested) return fedexErrors(400, [invalidField("requestedShipment")]);
  const errors: FedexError[] = [];
  const from = text(at(requested, "shipper.address.countryCode"));
  if (!record(requested.shipper)) errors.push(invalidField("requestedShipment.shipper"));
  else if (!from) errors.push(invalidField("requestedShipment.shipper.address.countryCode"));
  const recipient = list(requested.recipients)[0];
  const to = text(at(recipient, "address.countryCode"));
  if (!record(recipient)) errors.push(invalidField("requestedShipment.recipients"));
  else if (!to) errors.push(invalidField("requestedShipment.recipients[0].address.countryCode"));
  const serviceType = text(requested.serviceType);
  const service = serviceType ? SERVICES[serviceType] : undefined;
  if (!serviceType) errors.push(invalidField("requestedShipment.serviceType"));
  else if (!service) errors.push(invalidField("requestedShipment.serviceType", "is not a valid service type"));
  // Assumption: FedEx refuses a domestic service abroad (and the reverse); the wording is ours.
  else if (from && to && service.international !== (from !== to)) {
    errors.push(invalidField("requestedShipment.serviceType", `is not available from ${from} to ${to}`));
  }
  if (!text(requested.packagingType)) errors.push(invalidField("requestedShipment.packagingType"));
  const docType = text(at(requested, "labelSpecification.imageType"));
  if (!docType) errors.push(invalidField("requestedShipment.labelSpecification.imageType"));
  else if (!IMAGE_TYPES.includes(docType)) errors.push(invalidField("requestedShipment.labelSpecification.imageType", "must be PDF, PNG, ZPLII or EPL2"));
  const weights = packageWeights(requested.requestedPackageLineItems, "requestedShipment.requestedPackageLineItems");
  errors.push(...weights.errors);
  if (errors.length > 0 || !serviceType || !service || !docType) return fedexErrors(400, errors);

  const items = list(requested.requestedPackageLineItems);
  const references = customerReferences(items);
  const recipientName = text(at(recipient, "contact.personName")) ?? text(at(recipient, "contact.companyName")) ?? "";
  const netCharge = price(serviceType, weights.pounds);
  const pieces = items.map(() => {
    const trackingNumber = ctx.state.newTrackingNumber();
    const lines = [service.name, `TRK# ${trackingNumber}`, `TO: ${recipientName}`, `${text(at(recipient, "address.city")) ?? ""} ${to}`];
    const reference = references.find((r) => r.customerReferenceType === "CUSTOMER_REFERENCE");
    if (reference) lines.push(`REF: ${reference.value}`);
    return { trackingNumber, label: renderLabel(docType, lines, trackingNumber) };
  });
  const shipment: FedexShipment = {
    trackingNumber: pieces[0].trackingNumber,
    pieces,
    accountNumber: ctx.token.accountNumber,
    serviceType,
    references: references.filter((r) => r.customerReferenceType === "CUSTOMER_REFERENCE").map((r) => r.value),
    customerReferences: references,
    label: pieces[0].label,
    docType,
    netCharge,
    createdAt: new Date().toISOString(),
    cancelled: false,
    status: { code: "IN", description: "Label created" },
    scanEvents: [],
  };
  shipment.scanEvents.push({ date: shipment.createdAt, eventType: "OC", eventDescription: "Shipment information sent to FedEx", derivedStatusCode: "IN", scanLocation: {} });
  ctx.state.shipments.push(shipment);

  const master = shipment.trackingNumber;
  const pieceResponses = pieces.map((piece, i) => ({
    masterTrackingNumber: master,
    trackingNumber: piece.trackingNumber,
    // The whole charge is reported on the first piece.
    netChargeAmount: i === 0 ? netCharge : 0,
    packageDocuments: [{ contentType: "LABEL", copiesToPrint: 1, trackingNumber: piece.trackingNumber, docType, encodedLabel: piece.label.toString("base64") }],
    customerReferences: customerReferences([items[i]]),
    successful: true,
  }));
  // Assumption: labelResponseOptions URL_ONLY is answered like LABEL (no document URLs are served).
  const transactionShipment = {
    serviceType,
    shipDatestamp: text(requested.shipDatestamp) ?? today(),
    serviceCategory: service.category,
    masterTrackingNumber: master,
    serviceName: service.name,
    shipmentDocuments: [],
    pieceResponses,
    alerts: [],
    completedShipmentDetail: { shipmentRating: { actualRateType: "PAYOR_ACCOUNT_SHIPMENT", shipmentRateDetails: [{ rateType: "PAYOR_ACCOUNT_SHIPMENT", totalNetCharge: netCharge, currency: "USD" }] } },
  };
  return { status: 200, body: { output: { transactionShipments: [transactionShipment], alerts: [] } } };
}

export function cancelReply(ctx: BusinessContext): Reply {
  const refused = accountCheck(ctx, at(ctx.body, "accountNumber.value"));
  if (refused) return refused;
  const trackingNumber = text(ctx.body.trackingNumber);
  if (!trackingNumber) return fedexErrors(400, [invalidField("trackingNumber")]);
  const shipment = ctx.state.shipment(trackingNumber);
  // Assumption: a shipment already cancelled is "no longer available" too.
  if (!shipment || shipment.accountNumber !== ctx.token.accountNumber || shipment.cancelled) {
    return fedexError(404, "NOT.FOUND.ERROR", MESSAGES.notFound);
  }
  shipment.cancelled = true;
  shipment.status = { code: "CA", description: "Shipment cancelled by sender" };
  return { status: 200, body: { output: { cancelledShipment: true, cancelledHistory: true, successMessage: "Success", alerts: [] } } };
}
