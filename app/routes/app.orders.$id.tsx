// One order: customer, shipping address, payment and its lines.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { forShop, getPrisma } from "~/db/prisma.server";
import { getOrder } from "~/orders/order-queries.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const order = await getOrder(forShop(shop.id), params.id ?? "");
  // Another shop's order and a missing one look the same: 404.
  if (!order) throw new Response("Order not found", { status: 404 });
  const address = order.shippingAddress as Record<string, string | null> | null;
  return {
    name: order.name,
    channel: `${order.channel.type === "SHOPIFY" ? "Shopify" : "WooCommerce"} · ${order.channel.name}`,
    customer: order.customerName,
    email: order.email,
    phone: order.phone,
    address: address ? [address.address1, address.address2, address.city, address.province, address.zip, address.country].filter(Boolean).join(", ") : null,
    cod: order.cod,
    gateway: order.paymentGateway,
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    cancelled: order.cancelledAt !== null,
    redacted: order.redactedAt !== null,
    total: `${order.totalPrice.toFixed(2)} ${order.currency}`,
    createdAt: order.externalCreatedAt.toISOString(),
    lines: order.lines.map((line) => [line.title, line.sku ?? "—", String(line.quantity), line.price.toFixed(2)]),
  };
};

export default function OrderDetail() {
  const order = useLoaderData<typeof loader>();
  return (
    <Page backAction={{ content: "Orders", url: "/app/orders" }} title={order.name} subtitle={order.channel}>
      <TitleBar title={order.name} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200">
                {order.cod && <Badge tone="attention">Cash on delivery</Badge>}
                {order.cancelled && <Badge tone="critical">Cancelled</Badge>}
                <Badge>{`Payment: ${order.financialStatus ?? "unknown"}`}</Badge>
                <Badge>{`Fulfillment: ${order.fulfillmentStatus ?? "unfulfilled"}`}</Badge>
              </InlineStack>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={["Item", "SKU", "Quantity", "Price"]}
                rows={order.lines}
                totals={["", "", "", order.total]}
                showTotalsInFooter
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Customer
              </Text>
              {order.redacted ? (
                <Text as="p" tone="subdued">
                  Personal data removed at the customer's request.
                </Text>
              ) : (
                <>
                  <Text as="p">{order.customer ?? "No customer"}</Text>
                  {order.email && <Text as="p">{order.email}</Text>}
                  {order.phone && <Text as="p">{order.phone}</Text>}
                  {order.address && (
                    <Text as="p" tone="subdued">
                      {order.address}
                    </Text>
                  )}
                </>
              )}
              <Text as="p" tone="subdued">
                {`Paid with: ${order.gateway ?? "unknown"} · Placed ${new Date(order.createdAt).toLocaleString()}`}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
