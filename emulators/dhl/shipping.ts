// Products (rates), Label (one per request) and label reprint. Prices are a
// deterministic function of product and billable weight, so tests can assert amounts.
import { at, record, text, type Json, type Reply } from "./http";
import { PNG_LABEL, pdfLabel, zplLabel } from "../carrier-shared/label-documents";
import { forbidden, invalid, problem, type InvalidParam } from "./problems";
import type { DhlLabelFormat, DhlShipment, DhlState, DhlToken } from "./state";

export interface BusinessContext {
  state: DhlState;
  token: DhlToken;
  query: URLSearchParams;
  body: Json;
}

interface Product {
  name: string;
  international: boolean;
  base: number;
  perLb: number;
  days: [number, number];
}

// Assumption: product ids and names as DHL eCommerce Americas publishes them; the set is a subset.
const PRODUCTS: Record<string, Product> = {
  GND: { name: "DHL SmartMail Parcel Ground", international: false, base: 4.1, perLb: 0.55, days: [3, 8] },
  EXP: { name: "DHL SmartMail Parcel Expedited", international: false, base: 5.2, perLb: 0.7, days: [2, 5] },
  MAX: { name: "DHL SmartMail Parcel Expedited Max", international: false, base: 6.5, perLb: 0.8, days: [2, 4] },
  PLT: { name: "DHL Parcel International Standard", international: true, base: 14, perLb: 3.2, days: [6, 12] },
  PKY: { name: "DHL Parcel International Direct", international: true, base: 19, perLb: 4.1, days: [4, 8] },
};

const TO_POUNDS: Record<string, number> = { LB: 1, OZ: 1 / 16, KG: 2.20462, G: 1 / 453.592 };
const FORMATS: DhlLabelFormat[] = ["PDF", "ZPL", "PNG"];

// Parcels leave from the US: anything else is international.
const isInternational = (country: string) => country !== "US";

export function price(productId: string, pounds: number): number {
  const product = PRODUCTS[productId];
  return Math.round((product.base + product.perLb * Math.max(1, Math.ceil(pounds - 1e-9))) * 100) / 100;
}

/** Pickup present and the token's own: null, or the error reply. */
function pickupCheck(ctx: BusinessContext, pickup: string | null): Reply | null {
  if (!pickup) return invalid([{ name: "pickup", reason: "pickup is required" }]);
  if (pickup !== ctx.token.pickup) return forbidden(pickup);
  return null;
}

function weightParams(body: Json, params: InvalidParam[]): number {
  const value = at(body, "packageDetail.weight.value");
  const unit = at(body, "packageDetail.weight.unitOfMeasure");
  if (typeof value !== "number" || !(value > 0)) params.push({ name: "packageDetail.weight.value", reason: "must be a number greater than 0" });
  if (typeof unit !== "string" || !TO_POUNDS[unit]) params.push({ name: "packageDetail.weight.unitOfMeasure", reason: "must be one of LB, OZ, KG, G" });
  return typeof value === "number" && typeof unit === "string" && TO_POUNDS[unit] ? value * TO_POUNDS[unit] : 0;
}

function required(body: Json, fields: string[], params: InvalidParam[]): void {
  for (const field of fields) if (!text(at(body, field))) params.push({ name: field, reason: `${field} is required` });
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** POST /shipping/v4/products */
export function productsReply(ctx: BusinessContext): Reply {
  const refused = pickupCheck(ctx, text(ctx.body.pickup));
  if (refused) return refused;
  const params: InvalidParam[] = [];
  required(ctx.body, ["distributionCenter", "consigneeAddress.country"], params);
  const pounds = weightParams(ctx.body, params);
  if (params.length > 0) return invalid(params);
  const international = isInternational(text(at(ctx.body, "consigneeAddress.country"))!);
  const products = Object.entries(PRODUCTS)
    .filter(([, product]) => product.international === international)
    .map(([id, product]) => {
      const amount = price(id, pounds);
      return {
        orderedProductId: id,
        productName: product.name,
        trackingAvailable: true,
        rate: { amount, currency: "USD", rateComponents: [{ description: "Base Price", amount }] },
        // Assumption: the shape of estimatedDeliveryDate.
        estimatedDeliveryDate: {
          deliveryDaysMin: product.days[0],
          deliveryDaysMax: product.days[1],
          estimatedDeliveryMin: day(product.days[0]),
          estimatedDeliveryMax: day(product.days[1]),
        },
        messages: [],
      };
    });
  return { status: 200, body: { timestamp: new Date().toISOString(), pickup: ctx.token.pickup, distributionCenter: ctx.body.distributionCenter, products } };
}

function labelJson(shipment: DhlShipment) {
  return {
    packageId: shipment.packageId,
    dhlPackageId: shipment.dhlPackageId,
    trackingId: shipment.trackingId,
    labelData: shipment.label.toString("base64"),
    encodeType: "BASE64",
    format: shipment.format,
  };
}

function labelsBody(shipment: DhlShipment): Json {
  return {
    timestamp: new Date().toISOString(),
    pickup: shipment.pickup,
    distributionCenter: shipment.distributionCenter,
    orderedProductId: shipment.orderedProductId,
    labels: [labelJson(shipment)],
  };
}

/** POST /shipping/v4/label?format=PDF|ZPL|PNG */
export function labelReply(ctx: BusinessContext): Reply {
  const format = ctx.query.get("format") as DhlLabelFormat | null;
  if (!format || !FORMATS.includes(format)) return invalid([{ name: "format", reason: "format must be one of PDF, ZPL, PNG" }]);
  const refused = pickupCheck(ctx, text(ctx.body.pickup));
  if (refused) return refused;
  const body = ctx.body;
  const params: InvalidParam[] = [];
  required(body, ["distributionCenter", "orderedProductId"], params);
  required(body, ["name", "address1", "city", "country", "postalCode"].map((f) => `consigneeAddress.${f}`), params);
  const country = text(at(body, "consigneeAddress.country"));
  // Assumption: a state is required for US and Canadian consignees only.
  if ((country === "US" || country === "CA") && !text(at(body, "consigneeAddress.state"))) {
    params.push({ name: "consigneeAddress.state", reason: "consigneeAddress.state is required" });
  }
  if (!record(body.returnAddress)) params.push({ name: "returnAddress", reason: "returnAddress is required" });
  else required(body, ["name", "address1", "city", "state", "country", "postalCode"].map((f) => `returnAddress.${f}`), params);
  required(body, ["packageDetail.packageId"], params);
  weightParams(body, params);
  const productId = text(body.orderedProductId);
  const product = productId ? PRODUCTS[productId] : undefined;
  if (productId && !product) params.push({ name: "orderedProductId", reason: `Unknown product ${productId}` });
  else if (product && country && product.international !== isInternational(country)) {
    params.push({ name: "orderedProductId", reason: `Product ${productId} is not available for destination ${country}` });
  }
  if (params.length > 0 || !product || !productId || !country) return invalid(params);

  const pickup = ctx.token.pickup;
  const packageId = text(at(body, "packageDetail.packageId"))!;
  // Assumption: the duplicate-packageId problem's wording (DHL documents packageId as unique per pickup).
  if (ctx.state.shipment(pickup, packageId)) return invalid([{ name: "packageDetail.packageId", reason: "Package ID already exists" }]);

  const dhlPackageId = ctx.state.newDhlPackageId(pickup);
  // The last-mile id exists at once for domestic parcels; abroad it comes after shipping.
  const trackingId = product.international ? null : ctx.state.newTrackingId();
  const lines = [product.name, `PKG ${dhlPackageId}`, `TO: ${text(at(body, "consigneeAddress.name"))}`, `${text(at(body, "consigneeAddress.city"))} ${country}`, `REF: ${packageId}`];
  const barcode = trackingId ?? dhlPackageId;
  const now = new Date();
  const shipment: DhlShipment = {
    pickup,
    distributionCenter: text(body.distributionCenter)!,
    packageId,
    references: [packageId],
    dhlPackageId,
    trackingId,
    orderedProductId: productId,
    label: format === "PDF" ? pdfLabel(lines) : format === "ZPL" ? zplLabel(lines, barcode) : PNG_LABEL,
    format,
    consigneeCountry: country,
    createdAt: now.toISOString(),
    cancelled: false,
    // Assumption: the event code and wording of the first event.
    events: [{ date: now.toISOString().slice(0, 10), time: now.toISOString().slice(11, 19), timeZone: "UTC", primaryEventDescription: "LABEL CREATED", eventCode: "LC" }],
  };
  ctx.state.shipments.push(shipment);
  return { status: 200, body: labelsBody(shipment) };
}

/** GET /shipping/v4/label?pickup=&packageId= — assumption: reprint of an existing package's label. */
export function reprintReply(ctx: BusinessContext): Reply {
  const refused = pickupCheck(ctx, ctx.query.get("pickup"));
  if (refused) return refused;
  const packageId = ctx.query.get("packageId");
  if (!packageId) return invalid([{ name: "packageId", reason: "packageId is required" }]);
  const shipment = ctx.state.shipment(ctx.token.pickup, packageId);
  if (!shipment) return problem(404, "Not Found", `No label found for packageId ${packageId}`);
  return { status: 200, body: labelsBody(shipment) };
}
