// One COD approval, the page the emailed link opens inside the Shopify admin. GET only
// shows it (scanners that open links change nothing); Approve and Reject are POSTs
// authenticated by the admin session and carrying the link's token.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRouteError, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, List, Page, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { getApprovalView } from "~/approvals/approval-views.server";
import { AnswerBanner } from "~/approvals/answer-banner";
import type { DecisionAnswer } from "~/approvals/approval-errors";
import { handleDecisionPost } from "~/approvals/decision-request.server";
import { linkStateOf } from "~/approvals/link-state.server";
import { forShop, getPrisma } from "~/db/prisma.server";
import { clientIpOf } from "~/http/client-ip";
import { enforceRateLimit } from "~/security/rate-limits.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

const NO_REFERRER = { "Referrer-Policy": "no-referrer" };

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  await enforceRateLimit("approvalPage", clientIpOf(context));
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const approval = await getApprovalView(forShop(shop.id), params.id ?? "");
  // Another shop's approval and a missing one look the same.
  if (!approval) throw new Response("Approval not found", { status: 404, headers: NO_REFERRER });
  const token = new URL(request.url).searchParams.get("t");
  // Read-only check of the link, so the page can warn before the admin clicks.
  const link = token ? await linkStateOf(token, shop.domain, approval.id) : null;
  return Response.json({ approval, token, link }, { headers: NO_REFERRER });
};

export const action = async ({ request, params, context }: ActionFunctionArgs) => handleDecisionPost(request, context, params.id ?? "");

type LoaderData = {
  approval: NonNullable<Awaited<ReturnType<typeof getApprovalView>>>;
  token: string | null;
  link: Awaited<ReturnType<typeof linkStateOf>> | null;
};

const statusTone = (status: string) => (status === "APPROVED" ? "success" : status === "REJECTED" ? "critical" : status === "PENDING" ? "attention" : undefined);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export default function ApprovalPage() {
  const { approval, token, link } = useLoaderData<LoaderData>();
  const answer = useActionData<DecisionAnswer>();
  const navigation = useNavigation();
  const [reason, setReason] = useState("");
  const submit = useSubmit();
  // The token travels in the body too: the POST must carry it whatever the action URL keeps.
  const decide = (intent: "approve" | "reject") => submit({ intent, reason, ...(token ? { t: token } : {}) }, { method: "post" });
  const busy = navigation.state !== "idle";
  const pending = approval.status === "PENDING";
  const { order } = approval;
  return (
    <Page backAction={{ url: "/app/approvals" }} title={`Approve order ${order.name}`} titleMetadata={<Badge tone={statusTone(approval.status)}>{approval.status}</Badge>}>
      <TitleBar title={`Approval ${order.name}`} />
      <Layout>
        {answer ? (
          <Layout.Section>
            <AnswerBanner answer={answer} />
          </Layout.Section>
        ) : null}
        {link && link.state !== "ok" && pending ? (
          <Layout.Section>
            <Banner tone="warning" title="This link cannot be used">
              <p>{link.message} You can still approve or reject below as yourself.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {/* After a decision from this page its answer banner says what happened; "Already …" is for opening a decided approval. */}
        {!pending && !answer ? (
          <Layout.Section>
            <Banner tone="info" title={`Already ${approval.status.toLowerCase()}`}>
              <p>
                {approval.decidedVia === "SYSTEM" ? "The order was cancelled on its sales channel" : `By ${approval.decidedByEmail ?? `admin ${approval.decidedById ?? ""}`}`} on {when(approval.decidedAt)}
                {approval.reason ? `: ${approval.reason}` : "."}
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {order.name}: {order.total} {order.currency} (cash on delivery)
              </Text>
              <Text as="p">Customer: {[order.customerName, order.email, order.phone].filter(Boolean).join(" · ") || "—"}</Text>
              <Text as="p">Ship to: {order.shippingAddress ?? "—"}</Text>
              <Text as="p" tone="subdued">
                Requested {when(approval.requestedAt)} · emailed links work until {when(approval.expiresAt)}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric"]}
              headings={["Item", "SKU", "Quantity", "Price"]}
              rows={order.lines.map((line) => [line.title, line.sku ?? "—", String(line.quantity), line.price])}
            />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Risk notes
              </Text>
              {approval.riskNotes.length ? (
                <List>
                  {approval.riskNotes.map((note) => (
                    <List.Item key={note.code}>{note.text}</List.Item>
                  ))}
                </List>
              ) : (
                <Text as="p">Nothing unusual.</Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {pending ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <TextField label="Reason (kept in the audit log; for a rejection)" value={reason} onChange={setReason} autoComplete="off" maxLength={500} />
                <InlineStack gap="200">
                  <Button variant="primary" onClick={() => decide("approve")} loading={busy} disabled={busy}>
                    Approve
                  </Button>
                  <Button tone="critical" onClick={() => decide("reject")} loading={busy} disabled={busy}>
                    Reject
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => {
  const merged = new Headers(boundary.headers(headersArgs));
  merged.set("Referrer-Policy", "no-referrer");
  return merged;
};
