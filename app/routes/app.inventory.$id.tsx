// One SKU: its levels, where it is sold, every movement that explains its level, and
// a manual adjustment (set the available quantity, or add or remove units).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { forShop, getPrisma } from "~/db/prisma.server";
import { AdjustmentError, adjustmentSchema, adjustStock } from "~/inventory/adjustments.server";
import { recentMovements, stockItem } from "~/inventory/stock-queries.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const item = await stockItem(db, params.id ?? "");
  if (!item) throw new Response("This SKU does not exist in your shop.", { status: 404 });
  const movements = await recentMovements(db, item.id);
  return json({
    item: {
      id: item.id,
      sku: item.sku,
      title: item.title,
      available: item.available,
      reserved: item.reserved,
      onShopify: Boolean(item.shopifyInventoryItemId),
      onWooCommerce: Boolean(item.wooProductId),
      behind: item.version > item.syncedVersion,
      syncError: item.syncError,
      syncedAt: item.syncedAt?.toISOString() ?? null,
    },
    movements: movements.map((m) => ({
      id: m.id,
      reason: m.reason,
      delta: m.delta,
      reservedDelta: m.reservedDelta,
      availableAfter: m.availableAfter,
      reference: m.reference,
      createdAt: m.createdAt.toISOString(),
    })),
  });
};

type ActionData = { ok: true; message: string } | { ok: false; message: string };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const form = Object.fromEntries(await request.formData());
  const parsed = adjustmentSchema.safeParse({ ...form, itemId: params.id });
  if (!parsed.success) return json<ActionData>({ ok: false, message: parsed.error.issues[0]?.message ?? "Check the quantity." }, { status: 400 });
  try {
    const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
    const result = await adjustStock(forShop(shop.id), parsed.data, actor);
    const message =
      result.after === result.before
        ? `${result.sku} already has ${result.after} available: nothing changed.`
        : `${result.sku}: available ${result.before} → ${result.after}. Your channels are being updated.`;
    return json<ActionData>({ ok: true, message });
  } catch (error) {
    if (!(error instanceof AdjustmentError)) throw error;
    return json<ActionData>({ ok: false, message: error.message }, { status: error.status });
  }
};

const REASONS: Record<string, string> = {
  ORDER_RESERVE: "Order reserved",
  CANCEL_RELEASE: "Order cancelled",
  SHIPPED: "Shipped",
  REFUND_RESTOCK: "Refund restocked",
  IMPORT: "File import",
  MANUAL: "Manual adjustment",
  SYNC: "Imported from channel",
};

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export default function InventoryItem() {
  const { item, movements } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const [mode, setMode] = useState("add");
  const [quantity, setQuantity] = useState("");

  return (
    <Page backAction={{ content: "Inventory", url: "/app/inventory" }} title={item.sku} subtitle={item.title || undefined}>
      <TitleBar title={item.sku} />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {item.syncError ? (
          <Layout.Section>
            <Banner tone="warning" title="The last update of a channel failed">
              <p>{item.syncError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineGrid columns={3} gap="400">
                <BlockStack>
                  <Text as="p" tone="subdued">
                    Available
                  </Text>
                  <Text as="p" variant="headingLg">
                    {item.available}
                  </Text>
                </BlockStack>
                <BlockStack>
                  <Text as="p" tone="subdued">
                    Reserved for orders
                  </Text>
                  <Text as="p" variant="headingLg">
                    {item.reserved}
                  </Text>
                </BlockStack>
                <BlockStack>
                  <Text as="p" tone="subdued">
                    On hand
                  </Text>
                  <Text as="p" variant="headingLg">
                    {item.available + item.reserved}
                  </Text>
                </BlockStack>
              </InlineGrid>
              <InlineStack gap="100">
                {item.onShopify ? <Badge>Shopify</Badge> : null}
                {item.onWooCommerce ? <Badge>WooCommerce</Badge> : null}
                {!item.onShopify && !item.onWooCommerce ? <Badge>Not on a channel</Badge> : item.behind ? <Badge tone="attention">Updating channels</Badge> : <Badge tone="success">Channels in sync</Badge>}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <Form method="post">
              <BlockStack gap="300">
                <Text as="h2" variant="headingSm">
                  Adjust stock
                </Text>
                <Select
                  label="Change"
                  name="mode"
                  options={[
                    { label: "Add or remove units", value: "add" },
                    { label: "Set available to", value: "set" },
                  ]}
                  value={mode}
                  onChange={setMode}
                />
                <TextField
                  label={mode === "add" ? "Units (negative to remove)" : "Available quantity"}
                  name="quantity"
                  type="number"
                  autoComplete="off"
                  value={quantity}
                  onChange={setQuantity}
                />
                <Button submit variant="primary" loading={busy} disabled={quantity.trim() === ""}>
                  Save
                </Button>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "var(--p-space-300)" }}>
              <Text as="h2" variant="headingSm">
                Stock movements
              </Text>
            </div>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
              headings={["When", "What", "Available", "Reserved", "Available after", "Reference"]}
              rows={movements.map((m) => [
                new Date(m.createdAt).toLocaleString(),
                REASONS[m.reason] ?? m.reason,
                signed(m.delta),
                signed(m.reservedDelta),
                m.availableAfter,
                m.reason.startsWith("ORDER_") || m.reason === "CANCEL_RELEASE" || m.reason === "SHIPPED" ? (
                  <Link url={`/app/orders/${m.reference}`}>Order</Link>
                ) : (
                  (m.reference ?? "—")
                ),
              ])}
            />
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
