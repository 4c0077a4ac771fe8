// "Rappit: create shipping label": what the action shows in each state. Pure and tested.
import type { ApiFailure } from "../../rappit-order-shared/src/api";
import { formatMoney, humanize, retryHint, type BannerView, type ButtonView, type DetailView } from "../../rappit-order-shared/src/format";
import type { LabelAnswer, OrderSummary, RateAccount } from "../../rappit-order-shared/src/types";

export type LabelState =
  | { phase: "loading" }
  | { phase: "loadFailed"; failure: ApiFailure }
  | { phase: "notApplicable"; summary: OrderSummary }
  | { phase: "ratesLoading"; summary: OrderSummary }
  | { phase: "ratesFailed"; summary: OrderSummary; failure: ApiFailure }
  | { phase: "choosing"; summary: OrderSummary; accounts: RateAccount[]; selection: string | null; buying: boolean; failure: ApiFailure | null }
  | { phase: "bought"; summary: OrderSummary; label: LabelAnswer };

export interface OptionView {
  value: string;
  label: string;
}

export interface LabelView {
  loading: boolean;
  banners: BannerView[];
  details: DetailView[];
  choice: null | { value: string | null; groups: Array<{ label: string; options: OptionView[] }> };
  /** Accounts that could not quote, with the carrier's reason. */
  unavailable: string[];
  buy: ButtonView | null;
  tracking: null | { carrier: string; trackingNumber: string; trackingUrl: string | null };
  closeLabel: string;
}

// A select has one string value: account id and service code joined. Account ids are UUIDs
// and service codes carrier constants, neither contains a newline.
const SEPARATOR = "\n";
export const selectionOf = (accountId: string, service: string) => `${accountId}${SEPARATOR}${service}`;
export function parseSelection(value: string | null): { shippingAccountId: string; service: string } | null {
  if (!value) return null;
  const at = value.indexOf(SEPARATOR);
  return at > 0 ? { shippingAccountId: value.slice(0, at), service: value.slice(at + SEPARATOR.length) } : null;
}

const amountOf = (amount: number | string) => (typeof amount === "number" ? amount : Number.parseFloat(amount));

/** The default account's cheapest quote, else the cheapest anywhere; null when nobody quoted. */
export function defaultSelection(accounts: RateAccount[]): string | null {
  const quoting = accounts.filter((account) => !account.error && account.quotes.length > 0);
  const pool = quoting.filter((account) => account.isDefault).length > 0 ? quoting.filter((account) => account.isDefault) : quoting;
  let best: { value: string; amount: number } | null = null;
  for (const account of pool) {
    for (const quote of account.quotes) {
      const amount = amountOf(quote.amount);
      if (!best || amount < best.amount) best = { value: selectionOf(account.id, quote.service), amount };
    }
  }
  return best?.value ?? null;
}

function details(summary: OrderSummary): DetailView[] {
  const { order } = summary;
  return [
    { label: "Order", value: order.name },
    { label: "Total", value: formatMoney(order.total, order.currency) },
    { label: "Rappit status", value: humanize(order.status) },
  ];
}

/** Why no label can be bought here; mirrors the server's rule (app/extensions-api/label-rules.server.ts). */
export function whyNoLabel(summary: OrderSummary): BannerView | null {
  if (summary.actions.canBuyLabel) return null;
  const { order } = summary;
  const bought = summary.shipments.find((shipment) => shipment.status === "PURCHASED" && shipment.trackingNumber);
  if (bought) {
    return { tone: "info", heading: "A label was already bought", text: `${bought.carrier} tracking number ${bought.trackingNumber}.` };
  }
  const why: Record<string, string> = {
    CANCELLED: "This order is cancelled.",
    REJECTED: "This order was rejected.",
    FULFILLED: "This order is already fulfilled.",
    PENDING_APPROVAL: "This order is waiting for approval: approve it first (Rappit: approve COD order).",
    NEW: order.cod ? "This cash-on-delivery order has not been approved yet." : "Rappit is still processing this order.",
    ON_HOLD: `This order is on hold: ${order.holdReason ?? "out of stock"}.`,
  };
  return {
    tone: "info",
    heading: "No label can be bought for this order",
    text: why[order.status] ?? `Labels are not bought for an order that is ${humanize(order.status).toLowerCase()}.`,
  };
}

export function labelFailureBanner(failure: ApiFailure): BannerView {
  switch (failure.kind) {
    case "unprocessable":
      return { tone: "critical", heading: "The label cannot be bought", text: failure.message };
    case "conflict":
      return { tone: "critical", heading: "A purchase is already in progress", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
    case "unavailable":
      return { tone: "critical", heading: "The carrier is not answering", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
    case "notFound":
      return { tone: "critical", heading: "Order not found", text: failure.message };
    case "forbidden":
      return { tone: "critical", heading: "You cannot buy labels", text: failure.message };
    default:
      return { tone: "critical", heading: "The label was not bought", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
  }
}

function loadFailureBanner(failure: ApiFailure): BannerView {
  if (failure.kind === "notFound") return { tone: "info", heading: "Rappit does not know this order", text: failure.message };
  return { tone: "critical", heading: "Could not load the order from Rappit", text: `${failure.message}${retryHint(failure.retryAfterSeconds)}` };
}

function quoteLabel(quote: RateAccount["quotes"][number]): string {
  return `${quote.serviceName || quote.service}: ${formatMoney(quote.amount, quote.currency)}`;
}

export function labelView(state: LabelState): LabelView {
  const empty: LabelView = { loading: false, banners: [], details: [], choice: null, unavailable: [], buy: null, tracking: null, closeLabel: "Close" };
  switch (state.phase) {
    case "loading":
      return { ...empty, loading: true };
    case "loadFailed":
      return { ...empty, banners: [loadFailureBanner(state.failure)] };
    case "notApplicable": {
      const why = whyNoLabel(state.summary);
      return { ...empty, details: details(state.summary), banners: why ? [why] : [] };
    }
    case "ratesLoading":
      return { ...empty, loading: true, details: details(state.summary), closeLabel: "Cancel" };
    case "ratesFailed": {
      const banner = labelFailureBanner(state.failure);
      // A 422 here is about the addresses (no ship-from, incomplete destination), not a purchase.
      const heading = state.failure.kind === "unprocessable" ? "Rates are not available" : banner.heading;
      return { ...empty, details: details(state.summary), banners: [{ ...banner, heading }] };
    }
    case "bought":
      return {
        ...empty,
        details: details(state.summary),
        banners: [{ tone: "success", heading: "Label bought", text: "Rappit writes the tracking number back to the order." }],
        tracking: { carrier: state.label.carrier, trackingNumber: state.label.trackingNumber, trackingUrl: state.label.trackingUrl },
      };
    case "choosing": {
      const groups = state.accounts
        .filter((account) => !account.error && account.quotes.length > 0)
        .map((account) => ({
          label: `${account.carrier} · ${account.name}${account.isDefault ? " (default)" : ""}`,
          options: account.quotes.map((quote) => ({ value: selectionOf(account.id, quote.service), label: quoteLabel(quote) })),
        }));
      const unavailable = state.accounts
        .filter((account) => account.error || account.quotes.length === 0)
        .map((account) => `${account.carrier} · ${account.name}: ${account.error ?? "no service quoted for this parcel"}`);
      const banners: BannerView[] = [];
      if (state.failure) banners.push(labelFailureBanner(state.failure));
      if (state.accounts.length === 0) {
        banners.push({ tone: "warning", heading: "No carrier account connected", text: "Connect a FedEx or DHL account in Rappit's settings first." });
      } else if (groups.length === 0) {
        banners.push({ tone: "warning", heading: "No carrier quoted this order", text: "See each account's reason below." });
      }
      const valid = parseSelection(state.selection) !== null;
      return {
        ...empty,
        details: details(state.summary),
        banners,
        choice: groups.length > 0 ? { value: state.selection, groups } : null,
        unavailable,
        buy: groups.length > 0 ? { label: "Buy label", disabled: state.buying || !valid, loading: state.buying } : null,
        closeLabel: "Cancel",
      };
    }
  }
}
