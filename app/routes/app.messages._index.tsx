// Messages: every email and WhatsApp message Rappit sent or tried to send for this shop,
// filtered in the query string, with Resend for failed ones and a CSV export.
// Statuses move on their own (delivery reports), so the page re-reads while visible.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { FilteredListCard, useListNavigation } from "~/components/cursor-list";
import { downloadFile } from "~/components/download-file";
import { InvalidCursorError, pageCursors } from "~/db/keyset-pagination";
import { forShop, getPrisma } from "~/db/prisma.server";
import {
  InvalidMessageFilterError,
  listMessages,
  MESSAGE_EXPORT_MAX_ROWS,
  parseMessageFilter,
} from "~/notifications/message-queries.server";
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type MessageStatus } from "~/notifications/message-types";
import { MessageNotFoundError, MessageNotResendableError, resendMessage } from "~/notifications/messages.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";
import { WrappingCell } from "~/components/wrapping-cell";

interface MessageRow {
  id: string;
  createdAt: string;
  channel: string;
  template: string;
  recipient: string;
  status: string;
  attempts: number;
  error: string | null;
  orderId: string | null;
  orderName: string | null;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  let filter;
  try {
    filter = parseMessageFilter(new URL(request.url).searchParams);
  } catch (error) {
    if (!(error instanceof InvalidMessageFilterError || error instanceof InvalidCursorError)) throw error;
    const rows: MessageRow[] = [];
    return json({ error: error.message, rows, olderCursor: null, newerCursor: null, exportCap: MESSAGE_EXPORT_MAX_ROWS }, { status: 400 });
  }
  const page = await listMessages(forShop(shop.id), filter);
  const rows = page.rows.map(
    (message): MessageRow => ({
      id: message.id,
      createdAt: message.createdAt.toISOString(),
      channel: message.channel,
      template: message.template,
      recipient: message.recipient,
      status: message.status,
      attempts: message.attempts,
      error: message.error,
      orderId: message.orderId,
      orderName: message.orderName,
    }),
  );
  return json({
    error: null as string | null,
    rows,
    ...pageCursors(page, (message) => message.createdAt),
    exportCap: MESSAGE_EXPORT_MAX_ROWS,
  });
};

type ActionData = { ok: boolean; message: string };

/** Resend a failed message: back to QUEUED with a new send job (the service audits it). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent !== "resend") return json<ActionData>({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
  const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
  try {
    await resendMessage(forShop(shop.id), String(form.get("id") ?? ""), actor);
  } catch (error) {
    if (error instanceof MessageNotFoundError) {
      return json<ActionData>({ ok: false, message: "This message does not exist in your shop." }, { status: error.status });
    }
    if (error instanceof MessageNotResendableError) {
      return json<ActionData>({ ok: false, message: `Only failed messages can be resent: this one is ${error.currentStatus.toLowerCase()}.` }, { status: error.status });
    }
    throw error;
  }
  return json<ActionData>({ ok: true, message: "Message queued to be sent again. Its status updates here." });
};

const CHANNEL_LABELS: Record<string, string> = { EMAIL: "Email", WHATSAPP: "WhatsApp" };
const STATUS_LABELS: Record<MessageStatus, string> = {
  QUEUED: "Queued",
  SENDING: "Sending",
  SENT: "Sent",
  DELIVERED: "Delivered",
  READ: "Read",
  FAILED: "Failed",
};
const STATUS_TONES: Record<MessageStatus, "info" | "success" | "critical" | undefined> = {
  QUEUED: undefined,
  SENDING: "info",
  SENT: "info",
  DELIVERED: "success",
  READ: "success",
  FAILED: "critical",
};
const TEMPLATE_LABELS: Record<string, string> = {
  "approval-request": "Approval request",
  "order-approved": "Order approved",
  "order-rejected": "Order rejected",
  "order-shipped": "Order shipped",
};
const FILTER_KEYS = ["order", "recipient", "channel", "status", "from", "to"] as const;
const REFRESH_MS = 3_000;

/** Re-reads the page every few seconds while the tab is visible and nothing else is loading. */
function useLiveStatuses(enabled: boolean) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  // Refs: the interval reads the latest state without being re-created on every render.
  const idle = useRef(true);
  idle.current = revalidator.state === "idle" && navigation.state === "idle";
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      timer ??= setInterval(() => idle.current && revalidate.current(), REFRESH_MS);
    };
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") {
        if (idle.current) revalidate.current(); // catch up at once after the tab was hidden
        start();
      } else stop();
    };
    if (document.visibilityState === "visible") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [enabled]);
}

export default function Messages() {
  const { error, rows, olderCursor, newerCursor, exportCap } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const resending = navigation.state === "submitting" ? navigation.formData?.get("id") : undefined;
  const { params, go } = useListNavigation("/app/messages");
  const [order, setOrder] = useState(params.get("order") ?? "");
  const [recipient, setRecipient] = useState(params.get("recipient") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const [exporting, setExporting] = useState(false);
  const filtered = FILTER_KEYS.some((key) => params.get(key));
  useLiveStatuses(!error);

  // Keep the text fields in step when the URL changes (back button, Clear).
  const query = params.toString();
  useEffect(() => {
    const current = new URLSearchParams(query);
    setOrder(current.get("order") ?? "");
    setRecipient(current.get("recipient") ?? "");
    setFrom(current.get("from") ?? "");
    setTo(current.get("to") ?? "");
  }, [query]);

  const exportCsv = async () => {
    const filters = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = params.get(key);
      if (value) filters.set(key, value);
    }
    setExporting(true);
    try {
      await downloadFile(
        `/app/messages/export${filters.size ? `?${filters}` : ""}`,
        `messages-${new Date().toISOString().slice(0, 10)}.csv`,
        "The export failed. Check the filters and try again.",
      );
    } finally {
      setExporting(false);
    }
  };

  return (
    <Page
      title="Messages"
      subtitle="Approval emails and buyer WhatsApp messages, newest first"
      primaryAction={{ content: "Export CSV", loading: exporting, disabled: Boolean(error), onAction: exportCsv }}
    >
      <TitleBar title="Messages" />
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        )}
        {error && (
          <Layout.Section>
            <Banner tone="critical" title="These messages could not be shown">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <FilteredListCard
            filters={
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  go({ order: order.trim() || null, recipient: recipient.trim() || null, from: from || null, to: to || null });
                }}
              >
                <BlockStack gap="300">
                  <InlineStack gap="300" wrap>
                    <Select
                      label="Channel"
                      labelInline
                      options={[{ label: "All", value: "" }, ...MESSAGE_CHANNELS.map((value) => ({ label: CHANNEL_LABELS[value], value }))]}
                      value={params.get("channel") ?? ""}
                      onChange={(value) => go({ channel: value || null })}
                    />
                    <Select
                      label="Status"
                      labelInline
                      options={[{ label: "All", value: "" }, ...MESSAGE_STATUSES.map((value) => ({ label: STATUS_LABELS[value], value }))]}
                      value={params.get("status") ?? ""}
                      onChange={(value) => go({ status: value || null })}
                    />
                  </InlineStack>
                  <InlineStack gap="300" wrap blockAlign="end">
                    <TextField label="Order" placeholder="#1001" value={order} onChange={setOrder} autoComplete="off" />
                    <TextField
                      label="Recipient"
                      placeholder="Email or phone"
                      value={recipient}
                      onChange={setRecipient}
                      autoComplete="off"
                    />
                    <TextField label="From" type="date" value={from} onChange={setFrom} autoComplete="off" />
                    <TextField label="To" type="date" value={to} onChange={setTo} autoComplete="off" />
                    <Button submit>Apply</Button>
                    {filtered && <Button onClick={() => go(Object.fromEntries(FILTER_KEYS.map((key) => [key, null])))}>Clear filters</Button>}
                  </InlineStack>
                  <Text as="p" tone="subdued" variant="bodySm">
                    Dates are in UTC. Export CSV downloads every message matching these filters, up to{" "}
                    {exportCap.toLocaleString()} (the newest), with recipients masked.
                  </Text>
                </BlockStack>
              </form>
            }
            empty={
              rows.length === 0 && !error
                ? filtered
                  ? { heading: "No messages match these filters", body: "Change or clear the filters to see more." }
                  : { heading: "No messages yet", body: "Approval emails to your team and WhatsApp messages to buyers appear here as they are sent." }
                : null
            }
            pagination={{ olderCursor, newerCursor, go }}
          >
            <IndexTable
              resourceName={{ singular: "message", plural: "messages" }}
              itemCount={rows.length}
              selectable={false}
              headings={[
                { title: "Created" },
                { title: "Channel" },
                { title: "Template" },
                { title: "Recipient" },
                { title: "Status" },
                { title: "Order" },
                { title: "Attempts", alignment: "end" },
                { title: "Error" },
                { title: "" },
              ]}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>{new Date(row.createdAt).toLocaleString()}</IndexTable.Cell>
                  <IndexTable.Cell>{CHANNEL_LABELS[row.channel] ?? row.channel}</IndexTable.Cell>
                  <IndexTable.Cell>{TEMPLATE_LABELS[row.template] ?? row.template}</IndexTable.Cell>
                  <IndexTable.Cell>{row.recipient}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={STATUS_TONES[row.status as MessageStatus]}>{STATUS_LABELS[row.status as MessageStatus] ?? row.status}</Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.orderId ? <Link url={`/app/orders/${row.orderId}`}>{row.orderName ?? "View order"}</Link> : "—"}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.attempts}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.error ? (
                      <WrappingCell title={row.error}>
                        <Text as="span" tone="critical">
                          {row.error.length > 80 ? `${row.error.slice(0, 77)}…` : row.error}
                        </Text>
                      </WrappingCell>
                    ) : null}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.status === "FAILED" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="resend" />
                        <input type="hidden" name="id" value={row.id} />
                        <Button submit size="slim" loading={resending === row.id} disabled={Boolean(resending)}>
                          Resend
                        </Button>
                      </Form>
                    ) : null}
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </FilteredListCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
