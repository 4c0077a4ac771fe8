// The "Checkout pixel" section of /app/settings: status, endpoint and Activate / Update.
// Posts `intent=activate-pixel` to the settings route through a fetcher, so it sits inside
// the page's settings form without being part of its Save.
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Text } from "@shopify/polaris";

export const ACTIVATE_PIXEL_INTENT = "activate-pixel";

export interface PixelCardStatus {
  active: boolean;
  endpoint: string;
  scopesGranted: boolean;
}

export type PixelActionData = { pixel: { ok: boolean; message: string } };

export function PixelSettingsCard({ status }: { status: PixelCardStatus }) {
  const fetcher = useFetcher<PixelActionData>();
  const busy = fetcher.state !== "idle";
  const result = fetcher.data?.pixel;
  // After a successful activation the loader re-runs; until then, trust the answer.
  const active = status.active || result?.ok === true;
  return (
    <Layout.AnnotatedSection
      title="Checkout pixel"
      description="Sends checkout events (payment submitted, checkout completed) from your store to Rappit, so COD approvals can show what happened at checkout. Events are kept 30 days."
    >
      <Card>
        <BlockStack gap="300">
          {result && <Banner tone={result.ok ? "success" : "critical"} title={result.message} />}
          {!status.scopesGranted && !active && (
            <Banner tone="warning">
              <p>Rappit needs permission to manage pixels and read customer events. Approve the updated permissions when Shopify asks, then activate.</p>
            </Banner>
          )}
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Status</Text>
            <Badge tone={active ? "success" : "attention"}>{active ? "Active" : "Not active"}</Badge>
          </InlineStack>
          <Text as="p" tone="subdued">
            Events go to {status.endpoint}
          </Text>
          <InlineStack align="start">
            <Button loading={busy} onClick={() => fetcher.submit({ intent: ACTIVATE_PIXEL_INTENT }, { method: "post" })}>
              {active ? "Update pixel" : "Activate pixel"}
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
