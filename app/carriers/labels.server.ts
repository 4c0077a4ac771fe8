// Buying the label of an order, never twice. The Shipment row and its reference are
// committed before the carrier is called; an attempt that finds a PENDING shipment
// (an earlier call timed out or the process died) first asks the carrier for that
// reference and only buys when the carrier has nothing.
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { z } from "zod";
import { getConfig } from "../config/env.server";
import type { ShopDatabase } from "../db/prisma.server";
import { accountForDestination } from "./accounts.server";
import { connectorFor } from "./carrier-call.server";
import { NeedsReauthError } from "./core/authorized-call.server";
import type { CarrierCode, FoundShipment, LabelFormat, PostalAddress, PurchasedLabel, RateQuote } from "./connector";
import { describeCarrierFailure } from "./failures.server";

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

/** Another attempt is buying this order's label right now: try again once it has finished. */
export class LabelPurchaseInProgressError extends Error {
  readonly retryLater = true;
  constructor(readonly delayMs: number) {
    super("A label purchase for this order is already in progress. Try again in a moment.");
    this.name = "LabelPurchaseInProgressError";
  }
}

/** How long one attempt may hold the purchase: its lookup and purchase calls, with room to spare. */
const leaseMs = () => 2 * getConfig().CARRIER_TIMEOUT_MS + 5_000;

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

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
  /** A connected account of the shop chosen by the admin; default: the routing (default / domestic / international). */
  shippingAccountId?: string;
  weightGrams?: number;
}

/** Where an order's parcel goes from and to, and what it weighs (the shop's ship-from must be set). */
async function parcelOf(db: ShopDatabase, order: Parameters<typeof recipientOf>[0] & { lines: Array<{ quantity: number }> }, weightGrams?: number) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { shipFrom: true, labelFormat: true } });
  const from = shipFromSchema.safeParse(shop.shipFrom);
  if (!from.success) throw new LabelNotPossibleError("Set the ship-from address on the Carriers page first");
  const to = recipientOf(order);
  const parcel = { weightGrams: weightGrams ?? Math.max(1, order.lines.reduce((sum, line) => sum + line.quantity, 0)) * DEFAULT_ITEM_GRAMS };
  return { from: from.data, to, parcel, labelFormat: shop.labelFormat as LabelFormat };
}

export interface AccountQuotes {
  id: string;
  carrier: string;
  name: string;
  isDefault: boolean;
  quotes: RateQuote[];
  error?: string;
}

/** Quotes for the order from every connected carrier account; one failing account reports its error, not the call's. */
export async function quoteOrder(db: ShopDatabase, orderId: string): Promise<AccountQuotes[]> {
  const order = await db.order.findFirst({ where: { id: orderId }, include: { lines: true } });
  if (!order) throw new LabelNotPossibleError("Order not found");
  const { from, to, parcel } = await parcelOf(db, order);
  const accounts = await db.shippingAccount.findMany({ where: { status: "CONNECTED" }, orderBy: [{ isDefault: "desc" }, { createdAt: "asc" }] });
  return Promise.all(
    accounts.map(async (account): Promise<AccountQuotes> => {
      const base = { id: account.id, carrier: account.carrier, name: account.name, isDefault: account.isDefault };
      try {
        return { ...base, quotes: await connectorFor(account).quote({ from, to, parcel }) };
      } catch (error) {
        return { ...base, quotes: [], error: describeCarrierFailure(account.carrier as CarrierCode, error).message };
      }
    }),
  );
}

export async function buyLabelForOrder(db: ShopDatabase, orderId: string, options: LabelOptions = {}) {
  const order = await db.order.findFirst({ where: { id: orderId }, include: { lines: true, shipments: { where: { status: { in: ["PENDING", "PURCHASED"] } } } } });
  if (!order) throw new LabelNotPossibleError("Order not found");
  const bought = order.shipments.find((shipment) => shipment.status === "PURCHASED");
  if (bought) return bought; // never a second label for the same order
  if (order.cancelledAt) throw new LabelNotPossibleError(`Order ${order.name} is cancelled`);

  const { from, to, parcel, labelFormat } = await parcelOf(db, order, options.weightGrams);
  const shipment = order.shipments.find((s) => s.status === "PENDING");
  const chosen = !shipment && options.shippingAccountId ? await db.shippingAccount.findFirst({ where: { id: options.shippingAccountId, status: "CONNECTED" } }) : null;
  if (!shipment && options.shippingAccountId && !chosen) throw new LabelNotPossibleError("Choose a connected carrier account of this shop");
  const account = shipment
    ? await db.shippingAccount.findFirst({ where: { id: shipment.shippingAccountId } })
    : (chosen ?? (await accountForDestination(db, from.countryCode, to.countryCode)));
  if (!account || account.status === "DISCONNECTED") throw new LabelNotPossibleError("Connect a carrier account and make it the default on the Carriers page");
  try {
    return await purchase(db, { order, account, shipment, from, to, parcel, labelFormat, service: options.service });
  } catch (error) {
    if (error instanceof NeedsReauthError) {
      // The carrier refuses the credentials: the Carriers page says so until they are replaced.
      await db.shippingAccount.updateMany({ where: { id: account.id }, data: { status: "NEEDS_REAUTH", lastError: error.message } });
    }
    throw error;
  }
}

async function purchase(
  db: ShopDatabase,
  input: {
    order: { id: string; name: string };
    account: Parameters<typeof connectorFor>[0] & { carrier: string };
    shipment: { id: string; reference: string; service: string; createdAt: Date } | undefined;
    from: PostalAddress;
    to: PostalAddress;
    parcel: { weightGrams: number };
    labelFormat: LabelFormat;
    service: string | undefined;
  },
) {
  const { order, account, from, to, parcel } = input;
  let shipment = input.shipment;
  const connector = connectorFor(account);

  if (shipment) {
    // Only one attempt at a time may talk to the carrier about this shipment.
    const { count } = await db.shipment.updateMany({
      where: { id: shipment.id, status: "PENDING", OR: [{ attemptStartedAt: null }, { attemptStartedAt: { lt: new Date(Date.now() - leaseMs()) } }] },
      data: { attemptStartedAt: new Date() },
    });
    if (count === 0) throw new LabelPurchaseInProgressError(leaseMs());
    const claimed = shipment;
    // A purchase may have happened without us hearing the answer: ask before buying.
    const found = await releasingOnError(db, claimed.id, () => connector.findByReference(claimed.reference, claimed.createdAt));
    if (found) return recordPurchase(db, claimed.id, found, null);
  } else {
    const service = input.service ?? (await cheapestService(connector, from, to, parcel));
    const id = randomUUID();
    try {
      shipment = await db.shipment.create({
        data: {
          id,
          shopId: db.$shopId(),
          orderId: order.id,
          shippingAccountId: account.id,
          carrier: account.carrier,
          reference: shipmentReference(id),
          service,
          attemptStartedAt: new Date(),
        },
      });
    } catch (error) {
      // Another attempt recorded this order's shipment first (one live shipment per order).
      if (isUniqueViolation(error)) throw new LabelPurchaseInProgressError(leaseMs());
      throw error;
    }
  }

  const request = {
    reference: shipment.reference,
    service: shipment.service,
    from,
    to,
    parcel,
    labelFormat: input.labelFormat,
    orderName: order.name,
  };
  const label = await releasingOnError(db, shipment.id, () => connector.buyLabel(request));
  return recordPurchase(db, shipment.id, label, label);
}

/**
 * A failed call gives the lease back so the next attempt (which looks the reference up
 * first) need not wait; a process that dies keeps it until it expires.
 */
async function releasingOnError<T>(db: ShopDatabase, shipmentId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    await db.shipment.updateMany({ where: { id: shipmentId, status: "PENDING" }, data: { attemptStartedAt: null } });
    throw error;
  }
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
      attemptStartedAt: null,
      lastError: shipment.label ? null : "The label was bought but its document was lost; print it from the carrier's site or void this shipment there.",
    },
  });
}
