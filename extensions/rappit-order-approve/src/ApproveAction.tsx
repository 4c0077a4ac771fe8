/** @jsxImportSource preact */
// The pragma keeps the root tsconfig (React JSX for the Remix app) right about this file when
// a test imports it; the extensions' own tsconfig says the same.
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";
import { useEffect, useState } from "preact/hooks";
import { createRappitApi, type RappitApi } from "../../rappit-order-shared/src/api";
import { Banners, Details } from "../../rappit-order-shared/src/components";
import type { Decision } from "../../rappit-order-shared/src/types";
import { approveView, REASON_MAX, type ApproveState, type ApproveView } from "./view-model";

/** The part of the target's API this action uses (a test passes its own). */
// One client for the module: a new one per render would re-run the loading effect forever.
const defaultClient = createRappitApi();

export type ApproveActionApi = Pick<Api, "close" | "data">;

export interface ApproveActionViewProps {
  view: ApproveView;
  onReason: (reason: string) => void;
  onDecide: (decision: Decision) => void;
  onClose: () => void;
}

/** Renders a view-model; no state, no fetch. */
export function ApproveActionView({ view, onReason, onDecide, onClose }: ApproveActionViewProps) {
  return (
    <s-admin-action heading="Approve cash-on-delivery order" loading={view.loading}>
      <s-stack direction="block" gap="base">
        <Banners banners={view.banners} />
        <Details details={view.details} />
        {view.riskNotes.length > 0 && (
          <s-section heading="Risk notes">
            <s-unordered-list>
              {view.riskNotes.map((note) => (
                <s-list-item key={note}>{note}</s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        )}
        {view.form && (
          <s-text-area
            label="Reason (optional, kept in the audit trail)"
            value={view.form.reason}
            maxLength={REASON_MAX}
            rows={3}
            onInput={(event) => onReason(event.currentTarget.value)}
          />
        )}
      </s-stack>
      {view.form && (
        <s-button
          slot="primary-action"
          variant="primary"
          disabled={view.form.approve.disabled}
          loading={view.form.approve.loading}
          onClick={() => onDecide("APPROVE")}
        >
          {view.form.approve.label}
        </s-button>
      )}
      {view.form && (
        <s-button
          slot="secondary-actions"
          tone="critical"
          disabled={view.form.reject.disabled}
          loading={view.form.reject.loading}
          onClick={() => onDecide("REJECT")}
        >
          {view.form.reject.label}
        </s-button>
      )}
      <s-button slot="secondary-actions" onClick={onClose}>
        {view.closeLabel}
      </s-button>
    </s-admin-action>
  );
}

/** Loads the order, sends the decision, keeps the state; rendering is ApproveActionView's. */
export function ApproveAction({ api, client = defaultClient }: { api: ApproveActionApi; client?: RappitApi }) {
  const orderId = api.data.selected[0]?.id ?? "";
  const [state, setState] = useState<ApproveState>({ phase: "loading" });

  useEffect(() => {
    let live = true;
    void client.orderSummary(orderId).then((result) => {
      if (!live) return;
      setState(result.ok ? { phase: "ready", summary: result.data, reason: "", submitting: null, failure: null } : { phase: "loadFailed", failure: result });
    });
    return () => {
      live = false;
    };
  }, [client, orderId]);

  const decide = async (decision: Decision) => {
    if (state.phase !== "ready" || state.submitting) return;
    const ready = state;
    setState({ ...ready, submitting: decision, failure: null });
    const result = await client.decide(orderId, decision, ready.reason);
    if (result.ok) {
      setState({ phase: "decided", summary: ready.summary, decision, status: result.data.status, decidedAt: result.data.decidedAt ?? null });
      return;
    }
    setState({ ...ready, submitting: null, failure: result });
  };

  return (
    <ApproveActionView
      view={approveView(state)}
      onReason={(reason) => setState((current) => (current.phase === "ready" ? { ...current, reason } : current))}
      onDecide={(decision) => void decide(decision)}
      onClose={() => api.close()}
    />
  );
}
