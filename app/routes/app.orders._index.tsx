// Orders from every channel: filter by channel, payment (COD) and financial status.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { CursorPagination, useListNavigation } from "~/components/cursor-list";
import { InvalidCursorError, pageCursors } from "~/db/keyset-pagination";
import { forShop, getPrisma } from "~/db/prisma.server";
import { QueueUnavailableError } from "~/jobs/queues.server";
import { InvalidOrderFilterError, listOrders, parseOrderFilter } from "~/orders/order-queries.server";
import { ORDER_STATUS_LABEL, ORDER_STATUS_TONE } from "~/orders/order-status-labels";
import { requestReconciliation } from "~/orders/reconciliation-jobs.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

interface OrderRow {
  id: string;
  name: string;
  channel: string;
  customer: string;
  cod: boolean;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  status: string;
  cancelled: boolean;
  total: string;
  createdAt: string;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  let filter;
  try {
    filter = parseOrderFilter(new URL(request.url).searchParams);
  } catch (error) {
    if (!(error instanceof InvalidOrderFilterError || error instanceof InvalidCursorError)) throw error;
    const rows: OrderRow[] = [];
    return json({ error: error.message, rows, olderCursor: null, newerCursor: null }, { status: 400 });
  }
  const page = await listOrders(forShop(shop.id), filter);
  const rows = page.rows.map(
    (order): OrderRow => ({
      id: order.id,
      name: order.name,
      channel: order.channelType === "SHOPIFY" ? "Shopify" : "WooCommerce",
      customer: order.customerName ?? "—",
      cod: order.cod,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      status: order.status,
      cancelled: order.cancelledAt !== null,
      total: `${order.totalPrice} ${order.currency}`,
      createdAt: order.externalCreatedAt.toISOString(),
    }),
  );
  return json({ error: null as string | null, rows, ...pageCursors(page, (order) => order.externalCreatedAt) });
};

/** "Sync orders now": fetch what changed in Shopify since the last sync, in the background. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  try {
    await requestReconciliation(shop.id);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    return json({ ok: false, message: "Background work is unavailable right now. Try again in a minute." }, { status: 503 });
  }
  return json({ ok: true, message: "Syncing orders from Shopify. New and changed orders appear here within a minute." });
};

const label = (text: string | null) => (text ? text.charAt(0).toUpperCase() + text.slice(1).replace(/_/g, " ") : "—");

export default function Orders() {
  const { error, rows, olderCursor, newerCursor } = useLoaderData<typeof loader>();
  const sync = useActionData<typeof action>();
  const syncing = useNavigation().state === "submitting";
  const submit = useSubmit();
  const { params, go } = useListNavigation("/app/orders");

  return (
    <Page
      title="Orders"
      primaryAction={{ content: "Sync orders now", loading: syncing, onAction: () => submit(null, { method: "post" }) }}
    >
      <TitleBar title="Orders" />
      <Layout>
        {sync && (
          <Layout.Section>
            <Banner tone={sync.ok ? "info" : "critical"}>
              <p>{sync.message}</p>
            </Banner>
          </Layout.Section>
        )}
        {error && (
          <Layout.Section>
            <Banner tone="critical" title="These orders could not be shown">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "var(--p-space-300)" }}>
              <InlineStack gap="300">
                <Select
                  label="Channel"
                  labelInline
                  options={[{ label: "All", value: "" }, { label: "Shopify", value: "SHOPIFY" }, { label: "WooCommerce", value: "WOOCOMMERCE" }]}
                  value={params.get("channel") ?? ""}
                  onChange={(value) => go({ channel: value || null })}
                />
                <Select
                  label="Payment"
                  labelInline
                  options={[{ label: "All", value: "" }, { label: "Cash on delivery", value: "1" }, { label: "Prepaid", value: "0" }]}
                  value={params.get("cod") ?? ""}
                  onChange={(value) => go({ cod: value || null })}
                />
                <Select
                  label="Financial status"
                  labelInline
                  options={[
                    { label: "All", value: "" },
                    ...["pending", "authorized", "paid", "partially_refunded", "refunded", "voided"].map((v) => ({ label: label(v), value: v })),
                  ]}
                  value={params.get("financialStatus") ?? ""}
                  onChange={(value) => go({ financialStatus: value || null })}
                />
              </InlineStack>
            </div>
            {rows.length === 0 && !error ? (
              <EmptyState heading="No orders yet" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
                <p>Orders from your Shopify store and connected WooCommerce stores appear here as they arrive.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "order", plural: "orders" }}
                itemCount={rows.length}
                selectable={false}
                headings={[{ title: "Order" }, { title: "Channel" }, { title: "Customer" }, { title: "Rappit" }, { title: "Payment" }, { title: "Fulfillment" }, { title: "Total", alignment: "end" }, { title: "Created" }]}
              >
                {rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      {/* The primary link: a real link for keyboards and screen readers; the row's click follows it. */}
                      <Link dataPrimaryLink url={`/app/orders/${row.id}`} monochrome removeUnderline>
                        <Text as="span" fontWeight="semibold">
                          {row.name}
                        </Text>
                      </Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.channel}</IndexTable.Cell>
                    <IndexTable.Cell>{row.customer}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {/* Rappit's own progress: the channel's fulfillment status catches up only when the channel reports back. */}
                      <Badge tone={ORDER_STATUS_TONE[row.status]}>{ORDER_STATUS_LABEL[row.status] ?? row.status}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="100">
                        {row.cod && <Badge tone="attention">COD</Badge>}
                        {row.cancelled ? <Badge tone="critical">Cancelled</Badge> : <Badge>{label(row.financialStatus)}</Badge>}
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={row.fulfillmentStatus === "fulfilled" ? "success" : undefined}>{label(row.fulfillmentStatus ?? "unfulfilled")}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.total}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{new Date(row.createdAt).toLocaleString()}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            <CursorPagination olderCursor={olderCursor} newerCursor={newerCursor} go={go} />
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
