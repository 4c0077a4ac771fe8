// The admin extensions' view-models: what each one shows for every order state.
import { describe, expect, it } from "vitest";
import { approveView, type ApproveState } from "../../extensions/rappit-order-approve/src/view-model";
import { blockView, labelLinkWithToken } from "../../extensions/rappit-order-block/src/view-model";
import { defaultSelection, labelView, parseSelection, selectionOf } from "../../extensions/rappit-order-label/src/view-model";
import type { ApiFailure } from "../../extensions/rappit-order-shared/src/api";
import type { OrderSummary, RateAccount } from "../../extensions/rappit-order-shared/src/types";

function summary(overrides: Partial<OrderSummary> = {}, order: Partial<OrderSummary["order"]> = {}): OrderSummary {
  return {
    order: {
      id: "0b6f4a8e-0000-4000-8000-000000000001",
      name: "#1001",
      status: "PENDING_APPROVAL",
      holdReason: null,
      cod: true,
      financialStatus: "pending",
      fulfillmentStatus: null,
      total: "49.90",
      currency: "EUR",
      ...order,
    },
    approval: {
      id: "ap-1",
      status: "PENDING",
      requestedAt: "2026-11-20T10:00:00.000Z",
      decidedAt: null,
      decidedByEmail: null,
      decidedVia: null,
      reason: null,
      riskNotes: [{ code: "FIRST_ORDER", text: "First order from this buyer." }],
    },
    shipments: [],
    deadLetters: [],
    messages: [],
    actions: { canDecide: true, canBuyLabel: false },
    ...overrides,
  };
}

const decided = (status: "APPROVED" | "REJECTED", reason: string | null = null): NonNullable<OrderSummary["approval"]> => ({
  id: "ap-1",
  status,
  requestedAt: "2026-11-20T10:00:00.000Z",
  decidedAt: "2026-11-20T11:30:00.000Z",
  decidedByEmail: "ana@shop.test",
  decidedVia: "EMAIL_LINK",
  reason,
  riskNotes: [],
});

function failure(kind: ApiFailure["kind"], message: string, extra: Partial<ApiFailure> = {}): ApiFailure {
  return { ok: false, kind, status: null, message, retryAfterSeconds: null, decidedByEmail: null, decidedAt: null, decidedVia: null, decisionStatus: null, ...extra };
}

const ready = (s: OrderSummary, extra: Partial<Extract<ApproveState, { phase: "ready" }>> = {}): ApproveState => ({
  phase: "ready",
  summary: s,
  reason: "",
  submitting: null,
  failure: null,
  ...extra,
});

describe("approve action view-model", () => {
  it("pending approval: summary, risk notes and both decisions enabled", () => {
    const view = approveView(ready(summary()));
    expect(view.details).toEqual([
      { label: "Order", value: "#1001" },
      { label: "Total", value: "49.90 EUR" },
      { label: "Payment", value: "Cash on delivery" },
      { label: "Rappit status", value: "Pending approval" },
      { label: "Approval requested", value: "2026-11-20 10:00 UTC" },
    ]);
    expect(view.riskNotes).toEqual(["First order from this buyer."]);
    expect(view.form?.approve).toEqual({ label: "Approve", disabled: false, loading: false });
    expect(view.form?.reject.disabled).toBe(false);
    expect(view.banners).toEqual([]);
    expect(view.closeLabel).toBe("Cancel");
  });

  it("while a decision is sent both buttons are disabled and the chosen one spins", () => {
    const view = approveView(ready(summary(), { submitting: "REJECT", reason: "Fake address" }));
    expect(view.form).toMatchObject({ reason: "Fake address", approve: { disabled: true, loading: false }, reject: { disabled: true, loading: true } });
  });

  it("a reason over 500 characters cannot be sent", () => {
    expect(approveView(ready(summary(), { reason: "x".repeat(501) })).form?.approve.disabled).toBe(true);
  });

  it("already decided: no form, says who decided and when", () => {
    const view = approveView(ready(summary({ approval: decided("REJECTED", "Fake address"), actions: { canDecide: false, canBuyLabel: false } }, { status: "REJECTED" })));
    expect(view.form).toBeNull();
    expect(view.banners).toEqual([
      {
        tone: "info",
        heading: "Already rejected",
        text: "This order was rejected by ana@shop.test on 2026-11-20 11:30 UTC via the email link. Reason: Fake address",
      },
    ]);
    expect(view.closeLabel).toBe("Close");
  });

  it("not a COD order: explains that Rappit holds only COD orders", () => {
    const view = approveView(ready(summary({ approval: null, actions: { canDecide: false, canBuyLabel: true } }, { cod: false, status: "NEW", financialStatus: "paid" })));
    expect(view.form).toBeNull();
    expect(view.banners[0]).toMatchObject({ heading: "Not a cash-on-delivery order" });
    expect(view.details.find((row) => row.label === "Payment")?.value).toBe("Paid");
  });

  it("approval cancelled with the order", () => {
    const s = summary({ approval: { ...decided("APPROVED"), status: "CANCELLED", decidedAt: null, decidedByEmail: null, decidedVia: null }, actions: { canDecide: false, canBuyLabel: false } });
    expect(approveView(ready(s)).banners[0]).toMatchObject({ heading: "Approval cancelled" });
  });

  it("409: someone decided first, with who and when from the body; the form goes away", () => {
    const view = approveView(
      ready(summary(), {
        failure: failure("conflict", "This approval was already decided.", {
          status: 409,
          decisionStatus: "APPROVED",
          decidedByEmail: "bo@shop.test",
          decidedAt: "2026-11-20T11:00:00.000Z",
          decidedVia: "APP",
        }),
      }),
    );
    expect(view.form).toBeNull();
    expect(view.banners[0]).toEqual({
      tone: "critical",
      heading: "Someone decided first",
      text: "This approval was already decided. It was approved by bo@shop.test on 2026-11-20 11:00 UTC via the Rappit app.",
    });
  });

  it("403 and 429 keep the form, with a critical banner carrying the server's message", () => {
    const forbidden = approveView(ready(summary(), { failure: failure("forbidden", "A staff account is needed to decide.") }));
    expect(forbidden.banners[0]).toEqual({ tone: "critical", heading: "You cannot decide this order", text: "A staff account is needed to decide." });
    expect(forbidden.form).not.toBeNull();
    const limited = approveView(ready(summary(), { failure: failure("rateLimited", "Too many decisions.", { retryAfterSeconds: 30 }) }));
    expect(limited.banners[0]).toEqual({ tone: "critical", heading: "Too many decisions", text: "Too many decisions. Try again in 30 seconds." });
    expect(limited.form?.approve.disabled).toBe(false);
  });

  it("404 on the decision: order gone, no form", () => {
    const view = approveView(ready(summary(), { failure: failure("notFound", "Order not found.") }));
    expect(view.banners[0]).toMatchObject({ tone: "critical", heading: "Order not found" });
    expect(view.form).toBeNull();
  });

  it("200: a done state saying what happens next", () => {
    const view = approveView({ phase: "decided", summary: summary(), decision: "APPROVE", status: "APPROVED", decidedAt: null });
    expect(view.banners[0]).toMatchObject({ tone: "success", heading: "Order approved" });
    expect(view.form).toBeNull();
  });

  it("loading and load failures", () => {
    expect(approveView({ phase: "loading" }).loading).toBe(true);
    expect(approveView({ phase: "loadFailed", failure: failure("notFound", "Order not found.") }).banners[0]).toMatchObject({ tone: "info" });
    expect(approveView({ phase: "loadFailed", failure: failure("unavailable", "Down.", { retryAfterSeconds: 5 }) }).banners[0]).toEqual({
      tone: "critical",
      heading: "Could not load the order from Rappit",
      text: "Down. Try again in 5 seconds.",
    });
  });
});

const accounts: RateAccount[] = [
  {
    id: "acc-dhl",
    carrier: "DHL",
    name: "DHL main",
    isDefault: false,
    quotes: [{ service: "EXPRESS_WORLDWIDE", serviceName: "Express Worldwide", amount: "9.00", currency: "EUR" }],
  },
  {
    id: "acc-fedex",
    carrier: "FEDEX",
    name: "FedEx main",
    isDefault: true,
    quotes: [
      { service: "PRIORITY_OVERNIGHT", serviceName: "Priority Overnight", amount: "31.50", currency: "EUR" },
      { service: "FEDEX_GROUND", serviceName: "", amount: "12.40", currency: "EUR" },
    ],
  },
  { id: "acc-fedex-2", carrier: "FEDEX", name: "FedEx old", isDefault: false, quotes: [], error: "The carrier refused the credentials: reconnect the account." },
];

describe("label action view-model", () => {
  const approved = summary({ approval: decided("APPROVED"), actions: { canDecide: false, canBuyLabel: true } }, { status: "APPROVED" });

  it("approved (or prepaid) and unfulfilled: quotes per account with amount and currency, failing accounts listed", () => {
    const view = labelView({ phase: "choosing", summary: approved, accounts, selection: defaultSelection(accounts), buying: false, failure: null });
    expect(view.choice?.groups).toEqual([
      { label: "DHL · DHL main", options: [{ value: selectionOf("acc-dhl", "EXPRESS_WORLDWIDE"), label: "Express Worldwide: 9.00 EUR" }] },
      {
        label: "FEDEX · FedEx main (default)",
        options: [
          { value: selectionOf("acc-fedex", "PRIORITY_OVERNIGHT"), label: "Priority Overnight: 31.50 EUR" },
          { value: selectionOf("acc-fedex", "FEDEX_GROUND"), label: "FEDEX_GROUND: 12.40 EUR" },
        ],
      },
    ]);
    // The default account's cheapest, even though another account is cheaper.
    expect(parseSelection(view.choice?.value ?? null)).toEqual({ shippingAccountId: "acc-fedex", service: "FEDEX_GROUND" });
    expect(view.unavailable).toEqual(["FEDEX · FedEx old: The carrier refused the credentials: reconnect the account."]);
    expect(view.buy).toEqual({ label: "Buy label", disabled: false, loading: false });
  });

  it("prepaid NEW order: label enabled through the same summary flag", () => {
    const prepaid = summary({ approval: null, actions: { canDecide: false, canBuyLabel: true } }, { cod: false, status: "NEW" });
    expect(labelView({ phase: "choosing", summary: prepaid, accounts, selection: null, buying: false, failure: null }).buy?.disabled).toBe(true);
  });

  it("no account quoted / none connected", () => {
    expect(labelView({ phase: "choosing", summary: approved, accounts: [accounts[2]], selection: null, buying: false, failure: null }).banners[0]).toMatchObject({
      heading: "No carrier quoted this order",
    });
    expect(labelView({ phase: "choosing", summary: approved, accounts: [], selection: null, buying: false, failure: null }).banners[0]).toMatchObject({
      heading: "No carrier account connected",
    });
  });

  it("not applicable: pending approval, on hold for stock, already bought", () => {
    const pending = labelView({ phase: "notApplicable", summary: summary() });
    expect(pending.banners[0].text).toContain("waiting for approval");
    expect(pending.buy).toBeNull();
    const held = summary({ approval: decided("APPROVED"), actions: { canDecide: false, canBuyLabel: false } }, { status: "ON_HOLD", holdReason: "out of stock: SKU-1 short by 2" });
    expect(labelView({ phase: "notApplicable", summary: held }).banners[0].text).toBe("This order is on hold: out of stock: SKU-1 short by 2.");
    const bought = summary(
      {
        actions: { canDecide: false, canBuyLabel: false },
        shipments: [{ id: "s1", carrier: "FEDEX", service: "FEDEX_GROUND", status: "PURCHASED", trackingNumber: "7946", trackingUrl: null, labelUrl: null, createdAt: "2026-11-20T12:00:00.000Z", trackingStatus: null, lastEvent: null }],
      },
      { status: "FULFILLING" },
    );
    expect(labelView({ phase: "notApplicable", summary: bought }).banners[0]).toMatchObject({ heading: "A label was already bought" });
  });

  it("422 / 409 / 503 on the purchase as critical banners with the server's message", () => {
    const base = { phase: "choosing" as const, summary: approved, accounts, selection: selectionOf("acc-fedex", "FEDEX_GROUND"), buying: false };
    expect(labelView({ ...base, failure: failure("unprocessable", "FedEx refused the shipment: postal code invalid.") }).banners[0]).toEqual({
      tone: "critical",
      heading: "The label cannot be bought",
      text: "FedEx refused the shipment: postal code invalid.",
    });
    expect(labelView({ ...base, failure: failure("conflict", "A purchase is in progress.", { retryAfterSeconds: 5 }) }).banners[0]).toEqual({
      tone: "critical",
      heading: "A purchase is already in progress",
      text: "A purchase is in progress. Try again in 5 seconds.",
    });
    expect(labelView({ ...base, failure: failure("unavailable", "FedEx is rate limiting.", { retryAfterSeconds: 60 }) }).banners[0]).toMatchObject({
      heading: "The carrier is not answering",
      text: "FedEx is rate limiting. Try again in 60 seconds.",
    });
    expect(labelView({ phase: "ratesFailed", summary: approved, failure: failure("unprocessable", "The shop has no ship-from address.") }).banners[0]).toMatchObject({
      heading: "Rates are not available",
    });
  });

  it("bought: tracking number and link", () => {
    const view = labelView({ phase: "bought", summary: approved, label: { shipmentId: "s1", carrier: "FEDEX", trackingNumber: "794600000001", trackingUrl: "https://www.fedex.com/fedextrack/?trknbr=794600000001" } });
    expect(view.tracking).toEqual({ carrier: "FEDEX", trackingNumber: "794600000001", trackingUrl: "https://www.fedex.com/fedextrack/?trknbr=794600000001" });
    expect(view.banners[0].tone).toBe("success");
  });
});

describe("order block view-model", () => {
  it("pending approval: status badge, approval waiting, approve button", () => {
    const view = blockView({ phase: "ready", summary: summary(), retrying: null, retried: null });
    expect(view.status).toEqual({ label: "Pending approval", tone: "warning" });
    expect(view.approval).toEqual({
      label: "Pending",
      tone: "warning",
      lines: ["Requested 2026-11-20 10:00 UTC.", "Waiting for an admin's decision.", "Risk: First order from this buyer."],
    });
    expect(view.openApprove).toBe(true);
    expect(view.openLabel).toBe(false);
    expect(view.holdReason).toBeNull();
  });

  it("decided: who and when", () => {
    const view = blockView({ phase: "ready", summary: summary({ approval: decided("APPROVED"), actions: { canDecide: false, canBuyLabel: true } }, { status: "APPROVED" }), retrying: null, retried: null });
    expect(view.approval?.lines).toContain("Approved by ana@shop.test on 2026-11-20 11:30 UTC via the email link.");
    expect(view.openLabel).toBe(true);
  });

  it("fulfilled: shipments with tracking and label links", () => {
    const s = summary(
      {
        approval: null,
        actions: { canDecide: false, canBuyLabel: false },
        shipments: [
          {
            id: "s1",
            carrier: "FEDEX",
            service: "FEDEX_GROUND",
            status: "PURCHASED",
            trackingNumber: "794600000001",
            trackingUrl: "https://www.fedex.com/fedextrack/?trknbr=794600000001",
            labelUrl: "https://rappit.example/api/extensions/shipments/s1/label",
            createdAt: "2026-11-20T12:00:00.000Z",
            trackingStatus: "DELIVERED",
            lastEvent: { status: "DELIVERED", description: "Delivered", location: "AUSTIN, TX, US", occurredAt: "2026-11-21T15:45:00.000Z" },
          },
        ],
        messages: [{ id: "m1", channel: "WHATSAPP", template: "order_shipped", status: "DELIVERED", recipient: "+33•••••78", createdAt: "2026-11-20T12:05:00.000Z" }],
      },
      { status: "FULFILLED", cod: false },
    );
    const view = blockView({ phase: "ready", summary: s, retrying: null, retried: null });
    expect(view.status).toEqual({ label: "Fulfilled", tone: "success" });
    expect(view.shipments).toEqual([
      {
        id: "s1",
        title: "FEDEX · FEDEX_GROUND",
        status: "Purchased",
        trackingNumber: "794600000001",
        trackingUrl: "https://www.fedex.com/fedextrack/?trknbr=794600000001",
        labelUrl: "https://rappit.example/api/extensions/shipments/s1/label",
        tracking: { text: "Delivered: Delivered (AUSTIN, TX, US), 2026-11-21 15:45 UTC", tone: "success" },
      },
    ]);
    expect(view.messages).toEqual([{ id: "m1", title: "Whatsapp · order_shipped", status: "Delivered", detail: "+33•••••78, 2026-11-20 12:05 UTC" }]);
  });

  it("a delivery exception or a return is shown in critical with the carrier's words", () => {
    const shipment = (trackingStatus: string, description: string) => ({
      id: "s1",
      carrier: "DHL_ECOMMERCE",
      service: "GND",
      status: "PURCHASED",
      trackingNumber: "GM1",
      trackingUrl: null,
      labelUrl: null,
      createdAt: "2026-11-20T12:00:00.000Z",
      trackingStatus,
      lastEvent: { status: trackingStatus, description, location: null, occurredAt: "2026-11-21T09:30:00.000Z" },
    });
    const view = (trackingStatus: string, description: string) =>
      blockView({ phase: "ready", summary: summary({ actions: { canDecide: false, canBuyLabel: false }, shipments: [shipment(trackingStatus, description)] }, { status: "FULFILLED" }), retrying: null, retried: null }).shipments[0].tracking;
    expect(view("EXCEPTION", "DELIVERY ATTEMPTED - NO ACCESS")).toEqual({ text: "Exception: DELIVERY ATTEMPTED - NO ACCESS, 2026-11-21 09:30 UTC", tone: "critical" });
    expect(view("RETURNED", "RETURNED TO SHIPPER")).toEqual({ text: "Returned: RETURNED TO SHIPPER, 2026-11-21 09:30 UTC", tone: "critical" });
    expect(view("IN_TRANSIT", "PROCESSED")?.tone).toBe("neutral");
  });

  it("on hold for stock: the reason", () => {
    const view = blockView({ phase: "ready", summary: summary({ actions: { canDecide: false, canBuyLabel: false } }, { status: "ON_HOLD", holdReason: "out of stock: SKU-1 short by 2" }), retrying: null, retried: null });
    expect(view.holdReason).toBe("out of stock: SKU-1 short by 2");
    expect(view.status?.tone).toBe("critical");
  });

  it("dead letter: error and Retry, disabled while one is retried, outcome banners", () => {
    const s = summary({ deadLetters: [{ id: "dl1", queue: "fulfillment", jobName: "buy-label", error: "FedEx 503", lastFailedAt: "2026-11-20T13:00:00.000Z" }] });
    const idle = blockView({ phase: "ready", summary: s, retrying: null, retried: null });
    expect(idle.deadLetters).toEqual([{ id: "dl1", title: "fulfillment · buy-label", error: "FedEx 503", when: "Failed 2026-11-20 13:00 UTC", retry: { label: "Retry", disabled: false, loading: false } }]);
    expect(blockView({ phase: "ready", summary: s, retrying: "dl1", retried: null }).deadLetters[0].retry).toEqual({ label: "Retry", disabled: true, loading: true });
    expect(blockView({ phase: "ready", summary: s, retrying: null, retried: { id: "dl1", result: { ok: true, status: 200, data: { jobId: "job-9" } } } }).banners[0]).toMatchObject({ tone: "success" });
    expect(blockView({ phase: "ready", summary: s, retrying: null, retried: { id: "dl1", result: failure("unavailable", "Redis is down.") } }).banners[0]).toEqual({
      tone: "critical",
      heading: "The job queue is not answering",
      text: "Redis is down.",
    });
  });

  it("unknown order is information, a failure is critical", () => {
    expect(blockView({ phase: "loadFailed", failure: failure("notFound", "Order not found") }).banners[0].tone).toBe("info");
    expect(blockView({ phase: "loadFailed", failure: failure("server", "Boom") }).banners[0].tone).toBe("critical");
  });

  it("label download link carries shop, host and the session token", () => {
    const payload = Buffer.from(JSON.stringify({ dest: "https://rappit-demo.myshopify.com", sub: "42" })).toString("base64url");
    const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
    const link = labelLinkWithToken("https://rappit.example/api/extensions/shipments/s1/label", token);
    const url = new URL(link ?? "");
    expect(url.origin).toBe("https://rappit.example");
    expect(url.pathname).toBe("/api/extensions/shipments/s1/label");
    expect(url.searchParams.get("shop")).toBe("rappit-demo.myshopify.com");
    expect(Buffer.from(url.searchParams.get("host") ?? "", "base64url").toString()).toBe("admin.shopify.com/store/rappit-demo");
    expect(url.searchParams.get("embedded")).toBe("1");
    expect(url.searchParams.get("id_token")).toBe(token);
    expect(labelLinkWithToken("/x", "not-a-token")).toBeNull();
  });
});
