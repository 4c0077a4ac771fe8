// Buying the label of an order, never twice. The Shipment row and its reference are
// committed before the carrier is called; an attempt that finds a PENDING shipment
// (an earlier call timed out or the process died) first asks the carrier for that
// reference and only buys when the carrier has nothing.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { accountForDestination } from "./accounts.server";
import { connectorFor } from "./carrier-call.server";
import type { CarrierCode, FoundShipment, LabelFormat, PostalAddress, PurchasedLabel } from "./connector";

/** A problem the merchant must fix before a label can be bought (no retry helps). */
export class LabelNotPossibleError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "LabelNotPossibleError";
  }
}

export const shipFromSchema = z.object({
  name: z.string().trim().min(1, "Enter the sender name"),
  company: z.string().trim().optional().nullable(),
  phone: z.string().trim().min(5, "Enter a phone number carriers can call"),
  address1: z.string().trim().min(1, "Enter the street address"),
  address2: z.string().trim().optional().nullable(),
  city: z.string().trim().min(1, "Enter the city"),
  provinceCode: z.string().trim().max(3).optional().nullable(),
  zip: z.string().trim().min(2, "Enter the postal code"),
  countryCode: z.string().trim().regex(/^[A-Z]{2}$/, "Use the two-letter country code, like US"),
});

/** Our short reference on the carrier's side (DHL packageIds are limited in length). */
export const shipmentReference = (shipmentId: string) => `R${shipmentId.replace(/-/g, "").slice(0, 24).toUpperCase()}`;

const DEFAULT_ITEM_GRAMS = 500;

function recipientOf(order: { name: string; customerName: string | null; phone: string | null; shippingAddress: unknown }): PostalAddress {
  const address = (order.shippingAddress ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof address[key] === "string" && (address[key] as string).trim() ? (address[key] as string).trim() : null);
  const countryCode = text("country_code") ?? (text("country")?.length === 2 ? text("country") : null);
  const missing = [!text("address1") && "street", !text("city") && "city", !text("zip") && "postal code", !countryCode && "country"].filter(Boolean);
  if (missing.length > 0) throw new LabelNotPossibleError(`Order ${order.name} has no complete shipping address (missing ${missing.join(", ")})`);
  return {
    name: text("name") ?? ([text("first_name"), text("last_name")].filter(Boolean).join(" ") || order.customerName || "Customer"),
    company: text("company"),
    phone: text("phone") ?? order.phone,
    address1: text("address1")!,
    address2: text("address2"),
    city: text("city")!,
    provinceCode: text("province_code"),
    zip: text("zip")!,
    countryCode: countryCode!.toUpperCase(),
  };
}

export interface LabelOptions {
  /** A carrier service code from a quote; default: the cheapest quote. */
  service?: string;
  weightGrams?: number;
}

export async function buyLabelForOrder(db: ShopDatabase, orderId: string, options: LabelOptions = {}) {
  const order = await db.order.findFirst({ where: { id: orderId }, include: { lines: true, shipments: { where: { status: { in: ["PENDING", "PURCHASED"] } } } } });
  if (!order) throw new LabelNotPossibleError("Order not found");
  const bought = order.shipments.find((shipment) => shipment.status === "PURCHASED");
  if (bought) return bought; // never a second label for the same order
  if (order.cancelledAt) throw new LabelNotPossibleError(`Order ${order.name} is cancelled`);

  const shop = await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { shipFrom: true, labelFormat: true } });
  const from = shipFromSchema.safeParse(shop.shipFrom);
  if (!from.success) throw new LabelNotPossibleError("Set the ship-from address on the Carriers page first");
  const to = recipientOf(order);
  const parcel = { weightGrams: options.weightGrams ?? Math.max(1, order.lines.reduce((sum, line) => sum + line.quantity, 0)) * DEFAULT_ITEM_GRAMS };

  let shipment = order.shipments.find((s) => s.status === "PENDING");
  const account = shipment
    ? await db.shippingAccount.findFirst({ where: { id: shipment.shippingAccountId } })
    : await accountForDestination(db, from.data.countryCode, to.countryCode);
  if (!account || account.status === "DISCONNECTED") throw new LabelNotPossibleError("Connect a carrier account and make it the default on the Carriers page");
  const connector = connectorFor(account);

  if (shipment) {
    // A purchase may have happened without us hearing the answer: ask before buying.
    const found = await connector.findByReference(shipment.reference, shipment.createdAt);
    if (found) return recordPurchase(db, shipment.id, found, null);
  } else {
    const service = options.service ?? (await cheapestService(connector, from.data, to, parcel));
    const id = randomUUID();
    shipment = await db.shipment.create({
      data: { id, shopId: db.$shopId(), orderId: order.id, shippingAccountId: account.id, carrier: account.carrier, reference: shipmentReference(id), service },
    });
  }

  const label = await connector.buyLabel({
    reference: shipment.reference,
    service: shipment.service,
    from: from.data,
    to,
    parcel,
    labelFormat: shop.labelFormat as LabelFormat,
    orderName: order.name,
  });
  return recordPurchase(db, shipment.id, label, label);
}

async function cheapestService(connector: ReturnType<typeof connectorFor>, from: PostalAddress, to: PostalAddress, parcel: { weightGrams: number }) {
  const quotes = await connector.quote({ from, to, parcel });
  if (quotes.length === 0) throw new LabelNotPossibleError(`${carrierName(connector.carrier)} offers no service from ${from.countryCode} to ${to.countryCode}`);
  return quotes.reduce((best, quote) => (Number(quote.amount) < Number(best.amount) ? quote : best)).service;
}

const carrierName = (carrier: CarrierCode) => (carrier === "FEDEX" ? "FedEx" : "DHL eCommerce");

async function recordPurchase(db: ShopDatabase, shipmentId: string, shipment: FoundShipment, purchase: PurchasedLabel | null) {
  return db.shipment.update({
    where: { id: shipmentId },
    data: {
      status: "PURCHASED",
      trackingNumber: shipment.trackingNumber,
      carrierShipmentId: shipment.carrierShipmentId,
      label: shipment.label ? new Uint8Array(shipment.label) : null,
      labelFormat: shipment.labelFormat,
      rateAmount: purchase?.amount ?? null,
      rateCurrency: purchase?.currency ?? null,
      // FedEx cannot send a label document again: say so instead of buying another.
      lastError: shipment.label ? null : "The label was bought but its document was lost; print it from the carrier's site or void this shipment there.",
    },
  });
}
