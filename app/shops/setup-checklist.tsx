// Home's setup checklist: what a newly installed shop still has to do before Rappit can
// ship its orders, each step with the page that does it. Browser-safe: no server imports.
import { Badge, BlockStack, Box, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";

export interface SetupStep {
  id: string;
  title: string;
  description: string;
  done: boolean;
  optional: boolean;
  /** Where the step is done; none once it cannot be undone here. */
  action?: { content: string; url: string };
}

export function setupSteps(state: { shopDomain: string; hasCarrier: boolean; shipFromSet: boolean; hasWooCommerce: boolean }): SetupStep[] {
  return [
    {
      id: "install",
      title: "Install Rappit on your Shopify store",
      description: `Orders from ${state.shopDomain} come in on their own.`,
      done: true,
      optional: false,
    },
    {
      id: "carrier",
      title: "Add a carrier account",
      description: "Rappit buys labels with your own FedEx or DHL eCommerce account and writes the tracking number back to the order.",
      done: state.hasCarrier,
      optional: false,
      action: { content: "Add FedEx or DHL account", url: "/app/carriers" },
    },
    {
      id: "ship-from",
      title: "Set your ship-from address",
      description: "The address printed on your labels as the sender.",
      done: state.shipFromSet,
      optional: false,
      action: { content: "Set address", url: "/app/carriers" },
    },
    {
      id: "woocommerce",
      title: "Connect a WooCommerce store",
      description: "Its orders are approved, shipped and counted against the same stock as your Shopify orders.",
      done: state.hasWooCommerce,
      optional: true,
      action: { content: "Connect a WooCommerce store", url: "/app/connections" },
    },
  ];
}

/** True while a required step is left: the checklist stays on the home page until then. */
export function setupIncomplete(steps: SetupStep[]): boolean {
  return steps.some((step) => !step.optional && !step.done);
}

export function SetupChecklist({ steps }: { steps: SetupStep[] }) {
  const required = steps.filter((step) => !step.optional);
  const done = required.filter((step) => step.done).length;
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Set up Rappit
          </Text>
          <Text as="p" tone="subdued">
            {`${done} of ${required.length} steps done`}
          </Text>
          <ProgressBar progress={Math.round((done / required.length) * 100)} tone="primary" size="small" animated={false} />
        </BlockStack>
        <BlockStack gap="300">
          {steps.map((step) => (
            <Box key={step.id} paddingBlockStart="300" borderBlockStartWidth="025" borderColor="border-secondary">
              <InlineStack align="space-between" blockAlign="center" gap="400" wrap={false}>
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    {step.title}
                    {step.optional ? (
                      <Text as="span" tone="subdued" fontWeight="regular">
                        {" (optional)"}
                      </Text>
                    ) : null}
                  </Text>
                  <Text as="p" tone="subdued">
                    {step.description}
                  </Text>
                </BlockStack>
                {step.done ? (
                  <Badge tone="success">Done</Badge>
                ) : step.action ? (
                  <Button url={step.action.url} variant={step.optional ? undefined : "primary"}>
                    {step.action.content}
                  </Button>
                ) : null}
              </InlineStack>
            </Box>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
