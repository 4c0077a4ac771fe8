/** @jsxImportSource preact */
// The pragma keeps the root tsconfig (React JSX) right about this file when a test imports it.
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";
import { useEffect, useState } from "preact/hooks";
import { createRappitApi, type RappitApi } from "../../rappit-order-shared/src/api";
import { Banners, Details } from "../../rappit-order-shared/src/components";
import { defaultSelection, labelView, parseSelection, type LabelState, type LabelView } from "./view-model";

// One client for the module: a new one per render would re-run the loading effect forever.
const defaultClient = createRappitApi();

export type LabelActionApi = Pick<Api, "close" | "data">;

export interface LabelActionViewProps {
  view: LabelView;
  onSelect: (value: string) => void;
  onBuy: () => void;
  onClose: () => void;
}

/** Renders a view-model; no state, no fetch. */
export function LabelActionView({ view, onSelect, onBuy, onClose }: LabelActionViewProps) {
  return (
    <s-admin-action heading="Create shipping label" loading={view.loading}>
      <s-stack direction="block" gap="base">
        <Banners banners={view.banners} />
        <Details details={view.details} />
        {view.choice && (
          <s-select label="Carrier and service" value={view.choice.value ?? ""} onChange={(event) => onSelect(event.currentTarget.value)}>
            {view.choice.groups.map((group) => (
              <s-option-group key={group.label} label={group.label}>
                {group.options.map((option) => (
                  <s-option key={option.value} value={option.value}>
                    {option.label}
                  </s-option>
                ))}
              </s-option-group>
            ))}
          </s-select>
        )}
        {view.unavailable.length > 0 && (
          <s-section heading="Accounts without a quote">
            <s-unordered-list>
              {view.unavailable.map((line) => (
                <s-list-item key={line}>{line}</s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        )}
        {view.tracking && (
          <s-stack direction="block" gap="small-200">
            <s-text>
              <s-text type="strong">Tracking number:</s-text> {view.tracking.trackingNumber} ({view.tracking.carrier})
            </s-text>
            {view.tracking.trackingUrl && (
              <s-link href={view.tracking.trackingUrl} target="_blank">
                Track the parcel
              </s-link>
            )}
          </s-stack>
        )}
      </s-stack>
      {view.buy && (
        <s-button slot="primary-action" variant="primary" disabled={view.buy.disabled} loading={view.buy.loading} onClick={onBuy}>
          {view.buy.label}
        </s-button>
      )}
      <s-button slot="secondary-actions" onClick={onClose}>
        {view.closeLabel}
      </s-button>
    </s-admin-action>
  );
}

/** Loads the order and its quotes, buys the chosen label; rendering is LabelActionView's. */
export function LabelAction({ api, client = defaultClient }: { api: LabelActionApi; client?: RappitApi }) {
  const orderId = api.data.selected[0]?.id ?? "";
  const [state, setState] = useState<LabelState>({ phase: "loading" });

  useEffect(() => {
    let live = true;
    void (async () => {
      const summary = await client.orderSummary(orderId);
      if (!live) return;
      if (!summary.ok) return setState({ phase: "loadFailed", failure: summary });
      if (!summary.data.actions.canBuyLabel) {
        // Nothing to choose: the view explains why (whyNoLabel) from the summary alone.
        return setState({ phase: "notApplicable", summary: summary.data });
      }
      setState({ phase: "ratesLoading", summary: summary.data });
      const rates = await client.rates(orderId);
      if (!live) return;
      setState(
        rates.ok
          ? { phase: "choosing", summary: summary.data, accounts: rates.data.accounts, selection: defaultSelection(rates.data.accounts), buying: false, failure: null }
          : { phase: "ratesFailed", summary: summary.data, failure: rates },
      );
    })();
    return () => {
      live = false;
    };
  }, [client, orderId]);

  const buy = async () => {
    if (state.phase !== "choosing" || state.buying) return;
    const choice = parseSelection(state.selection);
    if (!choice) return;
    const choosing = state;
    setState({ ...choosing, buying: true, failure: null });
    const result = await client.buyLabel(orderId, choice.shippingAccountId, choice.service);
    setState(result.ok ? { phase: "bought", summary: choosing.summary, label: result.data } : { ...choosing, buying: false, failure: result });
  };

  return (
    <LabelActionView
      view={labelView(state)}
      onSelect={(value) => setState((current) => (current.phase === "choosing" ? { ...current, selection: value } : current))}
      onBuy={() => void buy()}
      onClose={() => api.close()}
    />
  );
}
