// Home: the shop's setup at a glance, with the next step for what is not connected yet.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { getPrisma } from "~/db/prisma.server";
import { HEALTH_CHECK_INTENT, HealthCard } from "~/doctor/health-card";
import { cachedHealthReport, runHealthChecks } from "~/doctor/health-cache.server";
import { authenticate } from "~/shopify.server";
import { SetupChecklist, setupIncomplete, setupSteps } from "~/shops/setup-checklist";
import { getSetupOverview } from "~/shops/setup-overview.server";
import { ensureShopProfile } from "~/shops/shop-profile.server";
import { loggerFor } from "~/logging/logger.server";

const logger = loggerFor("home");

const EMPTY_STATE_IMAGE =
  "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const overview = await getSetupOverview(getPrisma(), session.shop, session.scope);
  await ensureShopProfile(getPrisma(), session.shop, admin).catch((error: unknown) =>
    // The page does not need it; the next load tries again.
    logger.warn({ shop: session.shop, err: error }, "could not read shop currency and location"),
  );
  return {
    shopDomain: overview.shop.domain,
    installedAt: overview.shop.installedAt.toISOString(),
    channels: overview.channels,
    carriers: overview.carriers,
    hasWooCommerce: overview.channels.some((channel) => channel.type === "WOOCOMMERCE"),
    shipFromSet: overview.shipFromSet,
    needsReauth: overview.shop.needsReauth,
    health: await cachedHealthReport(overview.shop.id),
  };
};

/** "Run checks" on the Health card: the doctor's checks for this shop, kept briefly. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== HEALTH_CHECK_INTENT) return Response.json({ error: "unknown action" }, { status: 400 });
  return { health: await runHealthChecks(session.shop) };
};

const statusTone = {
  CONNECTED: "success",
  NEEDS_REAUTH: "attention",
  ERROR: "critical",
  DISCONNECTED: undefined,
} as const;

const statusLabel = {
  CONNECTED: "Connected",
  NEEDS_REAUTH: "Needs re-authentication",
  ERROR: "Error",
  DISCONNECTED: "Disconnected",
} as const;

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const steps = setupSteps({ shopDomain: data.shopDomain, hasCarrier: data.carriers.length > 0, shipFromSet: data.shipFromSet, hasWooCommerce: data.hasWooCommerce });
  const settingUp = setupIncomplete(steps);
  return (
    <Page>
      <TitleBar title="Rappit" />
      <Layout>
        {data.needsReauth && (
          <Layout.Section>
            <Banner tone="warning" title="Rappit has lost access to your store in the background">
              <p>
                Shopify stopped accepting Rappit's access, so order syncing, labels and stock updates
                are paused. Reload Rappit from your Shopify admin to restore access; if this message
                stays, reinstall Rappit from the Shopify App Store.
              </p>
            </Banner>
          </Layout.Section>
        )}
        {settingUp ? (
          <Layout.Section>
            <SetupChecklist steps={steps} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <HealthCard report={data.health} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Sales channels
              </Text>
              {data.channels.map((channel) => (
                <InlineStack key={`${channel.type}-${channel.name}`} align="space-between" blockAlign="center">
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {channel.type === "SHOPIFY" ? "Shopify" : "WooCommerce"}
                    </Text>
                    <Text as="span" tone="subdued">
                      {channel.name}
                    </Text>
                  </BlockStack>
                  <Badge tone={statusTone[channel.status]}>{statusLabel[channel.status]}</Badge>
                </InlineStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        {/* While setting up, the checklist offers WooCommerce; afterwards this card does. */}
        {!settingUp && !data.hasWooCommerce && (
          <Layout.Section>
            <Card>
              <EmptyState
                heading="Sell on WooCommerce too?"
                action={{ content: "Connect a WooCommerce store", url: "/app/connections" }}
                image={EMPTY_STATE_IMAGE}
              >
                <p>
                  Connect your WooCommerce store so its orders are approved, shipped and counted
                  against the same stock as your Shopify orders.
                </p>
              </EmptyState>
            </Card>
          </Layout.Section>
        )}
        {data.carriers.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Carrier accounts
                </Text>
                {data.carriers.map((carrier) => (
                  <InlineStack key={`${carrier.carrier}-${carrier.name}`} align="space-between">
                    <Text as="span">{carrier.name}</Text>
                    <Badge tone={statusTone[carrier.status]}>{statusLabel[carrier.status]}</Badge>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
