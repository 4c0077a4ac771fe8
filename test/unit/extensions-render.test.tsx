/** @jsxImportSource preact */
// The extensions' components rendered with preact-render-to-string: the s-* web components
// come out as custom elements with their attributes, so what the admin receives is checked
// (Shopify's own rendering of them is not available outside the admin).
import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { ApproveActionView } from "../../extensions/rappit-order-approve/src/ApproveAction";
import { approveView } from "../../extensions/rappit-order-approve/src/view-model";
import { OrderBlockView } from "../../extensions/rappit-order-block/src/OrderBlock";
import { blockView } from "../../extensions/rappit-order-block/src/view-model";
import { LabelActionView } from "../../extensions/rappit-order-label/src/LabelAction";
import { labelView, selectionOf } from "../../extensions/rappit-order-label/src/view-model";
import type { OrderSummary } from "../../extensions/rappit-order-shared/src/types";

const noop = () => undefined;

const summary: OrderSummary = {
  order: { id: "o1", name: "#1001", status: "PENDING_APPROVAL", holdReason: null, cod: true, financialStatus: "pending", fulfillmentStatus: null, total: "49.90", currency: "EUR" },
  approval: { id: "a1", status: "PENDING", requestedAt: "2026-11-20T10:00:00.000Z", decidedAt: null, decidedByEmail: null, decidedVia: null, reason: null, riskNotes: [{ code: "FIRST", text: "First order from this buyer." }] },
  shipments: [],
  deadLetters: [{ id: "dl1", queue: "fulfillment", jobName: "buy-label", error: "FedEx 503", lastFailedAt: "2026-11-20T13:00:00.000Z" }],
  messages: [],
  actions: { canDecide: true, canBuyLabel: false },
};

describe("extension components", () => {
  it("approve action: summary, risk notes, reason field and both buttons in their slots", () => {
    const html = render(<ApproveActionView view={approveView({ phase: "ready", summary, reason: "", submitting: null, failure: null })} onReason={noop} onDecide={noop} onClose={noop} />);
    expect(html).toContain('<s-admin-action heading="Approve cash-on-delivery order"');
    expect(html).toContain("#1001");
    expect(html).toContain("49.90 EUR");
    expect(html).toContain("<s-list-item>First order from this buyer.</s-list-item>");
    expect(html).toContain("<s-text-area");
    expect(html).toMatch(/<s-button slot="primary-action" variant="primary"[^>]*>Approve<\/s-button>/);
    expect(html).toMatch(/<s-button slot="secondary-actions" tone="critical"[^>]*>Reject<\/s-button>/);
  });

  it("approve action after a 409: critical banner, no buttons but Close", () => {
    const view = approveView({
      phase: "ready",
      summary,
      reason: "",
      submitting: null,
      failure: { ok: false, kind: "conflict", status: 409, message: "Already decided.", retryAfterSeconds: null, decidedByEmail: "bo@shop.test", decidedAt: "2026-11-20T11:00:00.000Z", decidedVia: "APP", decisionStatus: "APPROVED" },
    });
    const html = render(<ApproveActionView view={view} onReason={noop} onDecide={noop} onClose={noop} />);
    expect(html).toContain('<s-banner tone="critical" heading="Someone decided first">');
    expect(html).toContain("bo@shop.test");
    expect(html).not.toContain(">Approve</s-button>");
    expect(html).toContain(">Close</s-button>");
  });

  it("label action: grouped options with amounts, the default selected", () => {
    const accounts = [{ id: "acc", carrier: "FEDEX", name: "Main", isDefault: true, quotes: [{ service: "FEDEX_GROUND", serviceName: "Ground", amount: "12.40", currency: "EUR" }] }];
    const ready = { ...summary, actions: { canDecide: false, canBuyLabel: true } };
    const html = render(
      <LabelActionView view={labelView({ phase: "choosing", summary: ready, accounts, selection: selectionOf("acc", "FEDEX_GROUND"), buying: false, failure: null })} onSelect={noop} onBuy={noop} onClose={noop} />,
    );
    expect(html).toContain('<s-option-group label="FEDEX · Main (default)">');
    expect(html).toContain("Ground: 12.40 EUR");
    expect(html).toMatch(/<s-button slot="primary-action" variant="primary"[^>]*>Buy label<\/s-button>/);
  });

  it("order block: status, approval, failed job with Retry", () => {
    const html = render(<OrderBlockView view={blockView({ phase: "ready", summary, retrying: null, retried: null })} labelLinks={{}} onLabelLink={noop} onRetry={noop} onOpen={noop} />);
    expect(html).toContain('<s-admin-block heading="Rappit"');
    expect(html).toContain('<s-badge tone="warning">Pending approval</s-badge>');
    expect(html).toContain("fulfillment · buy-label");
    expect(html).toContain(">Retry</s-button>");
    expect(html).toContain(">Approve or reject</s-button>");
  });
});
