// The "Health" card on /app: the doctor's checks for this shop, each with a badge and,
// when not OK, the fix. Runs on demand ("Run checks"); the report is kept 15 minutes.
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { worstStatus, type CheckStatus, type ShopReport } from "./report";

export const HEALTH_CHECK_INTENT = "run-health-checks";

const tone: Record<CheckStatus, "success" | "attention" | "critical"> = { OK: "success", WARN: "attention", FAIL: "critical" };
const label: Record<CheckStatus, string> = { OK: "OK", WARN: "Warning", FAIL: "Failing" };

export function HealthCard({ report }: { report: ShopReport | null }) {
  const fetcher = useFetcher();
  const running = fetcher.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Health
            </Text>
            {report && <Badge tone={tone[worstStatus(report.checks)]}>{label[worstStatus(report.checks)]}</Badge>}
          </InlineStack>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value={HEALTH_CHECK_INTENT} />
            <Button submit loading={running}>
              {report ? "Check again" : "Run checks"}
            </Button>
          </fetcher.Form>
        </InlineStack>
        {report ? (
          <>
            {report.checks.map((check) => (
              <Box key={check.name}>
                <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {check.name}
                    </Text>
                    <Text as="span" tone="subdued">
                      {check.detail}
                    </Text>
                    {check.fix && <Text as="p">Fix: {check.fix}</Text>}
                  </BlockStack>
                  <Badge tone={tone[check.status]}>{label[check.status]}</Badge>
                </InlineStack>
              </Box>
            ))}
            <Text as="p" tone="subdued">
              Checked {new Date(report.checkedAt).toLocaleString()}
            </Text>
          </>
        ) : (
          <Text as="p" tone="subdued">
            Checks the Shopify access token and scopes, each WooCommerce store and each carrier account. Not run in the last 15 minutes.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
