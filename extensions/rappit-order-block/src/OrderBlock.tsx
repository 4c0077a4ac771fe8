/** @jsxImportSource preact */
// The pragma keeps the root tsconfig (React JSX) right about this file when a test imports it.
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";
import { useCallback, useEffect, useState } from "preact/hooks";
import { createRappitApi, type RappitApi } from "../../rappit-order-shared/src/api";
import { Banners } from "../../rappit-order-shared/src/components";
import { blockView, labelLinkWithToken, type BlockState, type BlockView } from "./view-model";

// One client for the module: a new one per render would re-run the loading effect forever.
const defaultClient = createRappitApi();

export type OrderBlockApi = Pick<Api, "data" | "auth" | "navigation">;

/** Handles of the two action extensions (their shopify.extension.toml). */
export const APPROVE_ACTION = "extension://rappit-order-approve";
export const LABEL_ACTION = "extension://rappit-order-label";

export interface OrderBlockViewProps {
  view: BlockView;
  /** Download links made on demand (a session token in the query lives one minute). */
  labelLinks: Record<string, string | null>;
  onLabelLink: (shipmentId: string, labelUrl: string) => void;
  onRetry: (deadLetterId: string) => void;
  onOpen: (extensionUrl: string) => void;
}

/** Renders a view-model; no state, no fetch. */
export function OrderBlockView({ view, labelLinks, onLabelLink, onRetry, onOpen }: OrderBlockViewProps) {
  return (
    <s-admin-block heading="Rappit" collapsedSummary={view.summaryLine}>
      <s-stack direction="block" gap="base">
        <Banners banners={view.banners} />
        {view.loading && <s-spinner accessibilityLabel="Loading Rappit's state of the order" />}
        {view.status && (
          <s-stack direction="inline" gap="small-200">
            <s-text type="strong">Status</s-text>
            <s-badge tone={view.status.tone}>{view.status.label}</s-badge>
          </s-stack>
        )}
        {view.holdReason && (
          <s-banner tone="warning" heading="On hold">
            <s-paragraph>{view.holdReason}</s-paragraph>
          </s-banner>
        )}
        {view.approval && (
          <s-section heading="Approval">
            <s-stack direction="block" gap="small-200">
              <s-badge tone={view.approval.tone}>{view.approval.label}</s-badge>
              {view.approval.lines.map((line) => (
                <s-text key={line}>{line}</s-text>
              ))}
            </s-stack>
          </s-section>
        )}
        {(view.openApprove || view.openLabel) && (
          <s-stack direction="inline" gap="small-200">
            {view.openApprove && <s-button onClick={() => onOpen(APPROVE_ACTION)}>Approve or reject</s-button>}
            {view.openLabel && <s-button onClick={() => onOpen(LABEL_ACTION)}>Create shipping label</s-button>}
          </s-stack>
        )}
        {view.shipments.length > 0 && (
          <s-section heading="Shipments">
            <s-stack direction="block" gap="small-200">
              {view.shipments.map((shipment) => (
                <s-stack key={shipment.id} direction="block" gap="small-300">
                  <s-text type="strong">
                    {shipment.title} ({shipment.status})
                  </s-text>
                  {shipment.tracking && <s-text tone={shipment.tracking.tone === "neutral" ? undefined : shipment.tracking.tone}>{shipment.tracking.text}</s-text>}
                  {shipment.trackingNumber &&
                    (shipment.trackingUrl ? (
                      <s-link href={shipment.trackingUrl} target="_blank">
                        Track {shipment.trackingNumber}
                      </s-link>
                    ) : (
                      <s-text>Tracking {shipment.trackingNumber}</s-text>
                    ))}
                  {shipment.labelUrl &&
                    (labelLinks[shipment.id] ? (
                      <s-link href={labelLinks[shipment.id] ?? undefined} target="_blank">
                        Download label (link valid for a minute)
                      </s-link>
                    ) : (
                      <s-button variant="tertiary" onClick={() => shipment.labelUrl && onLabelLink(shipment.id, shipment.labelUrl)}>
                        Get label download link
                      </s-button>
                    ))}
                </s-stack>
              ))}
            </s-stack>
          </s-section>
        )}
        {view.deadLetters.length > 0 && (
          <s-section heading="Failed jobs">
            <s-stack direction="block" gap="small-200">
              {view.deadLetters.map((letter) => (
                <s-stack key={letter.id} direction="block" gap="small-300">
                  <s-text type="strong">{letter.title}</s-text>
                  <s-text tone="critical">{letter.error}</s-text>
                  <s-text color="subdued">{letter.when}</s-text>
                  <s-button disabled={letter.retry.disabled} loading={letter.retry.loading} onClick={() => onRetry(letter.id)}>
                    {letter.retry.label}
                  </s-button>
                </s-stack>
              ))}
            </s-stack>
          </s-section>
        )}
        {view.messages.length > 0 && (
          <s-section heading="Messages to the buyer">
            <s-unordered-list>
              {view.messages.map((message) => (
                <s-list-item key={message.id}>
                  {message.title}: {message.status} ({message.detail})
                </s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        )}
      </s-stack>
    </s-admin-block>
  );
}

/** Loads the summary, retries dead letters, makes label links; rendering is OrderBlockView's. */
export function OrderBlock({ api, client = defaultClient }: { api: OrderBlockApi; client?: RappitApi }) {
  const orderId = api.data.selected[0]?.id ?? "";
  const [state, setState] = useState<BlockState>({ phase: "loading" });
  const [labelLinks, setLabelLinks] = useState<Record<string, string | null>>({});

  const load = useCallback(
    async (retried: Extract<BlockState, { phase: "ready" }>["retried"] = null) => {
      const result = await client.orderSummary(orderId);
      setState(result.ok ? { phase: "ready", summary: result.data, retrying: null, retried } : { phase: "loadFailed", failure: result });
    },
    [client, orderId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (id: string) => {
    if (state.phase !== "ready" || state.retrying) return;
    setState({ ...state, retrying: id, retried: null });
    const result = await client.retryDeadLetter(id);
    // Reload either way: a 404 means someone else already retried or resolved it.
    await load({ id, result });
  };

  const makeLabelLink = async (shipmentId: string, labelUrl: string) => {
    const token = await api.auth.idToken();
    setLabelLinks((links) => ({ ...links, [shipmentId]: token ? labelLinkWithToken(labelUrl, token) : null }));
  };

  return (
    <OrderBlockView
      view={blockView(state)}
      labelLinks={labelLinks}
      onLabelLink={(shipmentId, labelUrl) => void makeLabelLink(shipmentId, labelUrl)}
      onRetry={(id) => void retry(id)}
      onOpen={(url) => api.navigation.navigate(url)}
    />
  );
}
