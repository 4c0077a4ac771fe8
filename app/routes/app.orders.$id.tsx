// One order: customer, shipping address, payment, its lines and its shipping labels.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { describeCarrierFailure } from "~/carriers/failures.server";
import { LabelNotPossibleError, LabelPurchaseInProgressError, buyLabelForOrder } from "~/carriers/labels.server";
import type { CarrierCode } from "~/carriers/connector";
import { downloadFile } from "~/components/download-file";
import { forShop, getPrisma } from "~/db/prisma.server";
import { getOrder } from "~/orders/order-queries.server";
import { ORDER_STATUS_LABEL, ORDER_STATUS_TONE } from "~/orders/order-status-labels";
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
    id: order.id,
    name: order.name,
    channel: `${order.channel.type === "SHOPIFY" ? "Shopify" : "WooCommerce"} · ${order.channel.name}`,
    customer: order.customerName,
    email: order.email,
    phone: order.phone,
    address: address ? [address.address1, address.address2, address.city, address.province, address.zip, address.country].filter(Boolean).join(", ") : null,
    cod: order.cod,
    status: order.status,
    holdReason: order.holdReason,
    gateway: order.paymentGateway,
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    cancelled: order.cancelledAt !== null,
    redacted: order.redactedAt !== null,
    total: `${order.totalPrice.toFixed(2)} ${order.currency}`,
    createdAt: order.externalCreatedAt.toISOString(),
    lines: order.lines.map((line) => [line.title, line.sku ?? "—", String(line.quantity), line.price.toFixed(2)]),
    shipments: (
      await forShop(shop.id).shipment.findMany({
        where: { orderId: order.id },
        orderBy: { createdAt: "asc" },
        omit: { label: true },
        include: { events: { orderBy: { occurredAt: "desc" }, take: 10 } },
      })
    ).map((shipment) => ({
      id: shipment.id,
      carrier: shipment.carrier === "FEDEX" ? "FedEx" : "DHL eCommerce",
      service: shipment.service,
      status: shipment.status,
      trackingNumber: shipment.trackingNumber,
      labelFormat: shipment.labelFormat,
      note: shipment.lastError,
      trackingStatus: shipment.trackingStatus,
      // Newest first: the carrier's latest word on top.
      events: shipment.events.map((event) => ({
        id: event.id,
        status: event.status,
        at: event.occurredAt.toISOString(),
        text: `${event.description}${event.location ? ` (${event.location})` : ""}`,
      })),
    })),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const order = await getOrder(db, params.id ?? "");
  if (!order) return json({ ok: false, message: "Order not found" }, { status: 404 });
  try {
    const shipment = await buyLabelForOrder(db, order.id);
    return json({ ok: true, message: `Label bought: ${shipment.carrier === "FEDEX" ? "FedEx" : "DHL eCommerce"} ${shipment.trackingNumber ?? ""}`.trim() });
  } catch (error) {
    if (error instanceof LabelNotPossibleError) return json({ ok: false, message: error.message }, { status: 422 });
    if (error instanceof LabelPurchaseInProgressError) return json({ ok: false, message: error.message }, { status: 409 });
    const account = await db.shipment.findFirst({ where: { orderId: order.id }, orderBy: { createdAt: "desc" }, select: { carrier: true } });
    // The shipment stays PENDING: the next try asks the carrier before buying again.
    return json({ ok: false, message: describeCarrierFailure((account?.carrier ?? "FEDEX") as CarrierCode, error).message }, { status: 502 });
  }
};

// Exceptions and returns need the merchant; delivered is done.
const TRACKING_TONE: Record<string, "success" | "critical" | "warning" | "info"> = {
  DELIVERED: "success",
  EXCEPTION: "critical",
  RETURNED: "critical",
  OUT_FOR_DELIVERY: "warning",
};
const trackingLabel = (status: string) => status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, " ");

function ShipmentsCard({ orderId, shipments, cancelled }: { orderId: string; shipments: ReturnType<typeof useLoaderData<typeof loader>>["shipments"]; cancelled: boolean }) {
  const busy = useNavigation().state !== "idle";
  const bought = shipments.some((shipment) => shipment.status === "PURCHASED");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Shipping labels
        </Text>
        {shipments.length === 0 ? <Text as="p">No label yet.</Text> : null}
        {shipments.map((shipment) => (
          <BlockStack key={shipment.id} gap="100">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">{`${shipment.carrier} · ${shipment.service}${shipment.trackingNumber ? ` · ${shipment.trackingNumber}` : ""}`}</Text>
              <InlineStack gap="200">
                <Badge tone={shipment.status === "PURCHASED" ? "success" : "attention"}>{shipment.status === "PURCHASED" ? "Bought" : "Purchase pending"}</Badge>
                {shipment.status === "PURCHASED" && shipment.labelFormat ? (
                  <Button
                    onClick={() =>
                      downloadFile(
                        `/app/orders/${orderId}/labels/${shipment.id}`,
                        `label-${shipment.trackingNumber}.${shipment.labelFormat === "ZPL" ? "zpl" : "pdf"}`,
                        "The label could not be downloaded. Reload the page and try again.",
                      )
                    }
                  >
                    {`Download ${shipment.labelFormat}`}
                  </Button>
                ) : null}
              </InlineStack>
            </InlineStack>
            {shipment.trackingStatus ? (
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" tone="subdued">
                  Tracking
                </Text>
                <Badge tone={TRACKING_TONE[shipment.trackingStatus] ?? "info"}>{trackingLabel(shipment.trackingStatus)}</Badge>
              </InlineStack>
            ) : null}
            {shipment.events.length > 0 ? (
              <List type="bullet">
                {shipment.events.map((event) => (
                  <List.Item key={event.id}>{`${new Date(event.at).toLocaleString()}: ${event.text}`}</List.Item>
                ))}
              </List>
            ) : null}
            {shipment.note ? (
              <Text as="p" tone="subdued">
                {shipment.note}
              </Text>
            ) : null}
          </BlockStack>
        ))}
        {bought || cancelled ? null : (
          <Form method="post">
            <Button submit variant="primary" loading={busy}>
              {shipments.length > 0 ? "Finish buying the label" : "Buy shipping label"}
            </Button>
          </Form>
        )}
      </BlockStack>
    </Card>
  );
}

export default function OrderDetail() {
  const order = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page backAction={{ content: "Orders", url: "/app/orders" }} title={order.name} subtitle={order.channel}>
      <TitleBar title={order.name} />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {order.status === "ON_HOLD" && order.holdReason ? (
          <Layout.Section>
            <Banner tone="warning" title="On hold">
              <p>{order.holdReason}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200">
                <Badge tone={ORDER_STATUS_TONE[order.status]}>{ORDER_STATUS_LABEL[order.status] ?? order.status}</Badge>
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
        <Layout.Section>
          <ShipmentsCard orderId={order.id} shipments={order.shipments} cancelled={order.cancelled} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
