// COD orders waiting for an admin, oldest first, with Approve and Reject on each row
// (the app's own path: no link token, the same decision function), and the latest decided.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { AnswerBanner } from "~/approvals/answer-banner";
import type { DecisionAnswer } from "~/approvals/approval-errors";
import { listApprovals, type ApprovalListRow } from "~/approvals/approval-views.server";
import { handleDecisionPost } from "~/approvals/decision-request.server";
import { forShop, getPrisma } from "~/db/prisma.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  return listApprovals(forShop(shop.id));
};

/** Form: intent=approve|reject, approvalId, reason? (via APP). */
export const action = async ({ request, context }: ActionFunctionArgs) => handleDecisionPost(request, context, null);

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
const tone = (status: string) => (status === "APPROVED" ? "success" : status === "REJECTED" ? "critical" : undefined);

function DecideButtons({ row }: { row: ApprovalListRow }) {
  const fetcher = useFetcher<DecisionAnswer>();
  const busy = fetcher.state !== "idle";
  const send = (intent: "approve" | "reject") => fetcher.submit({ intent, approvalId: row.id }, { method: "post" });
  return (
    <BlockStack gap="100">
      <InlineStack gap="200">
        <Button size="slim" variant="primary" onClick={() => send("approve")} loading={busy} disabled={busy}>
          Approve
        </Button>
        <Button size="slim" tone="critical" onClick={() => send("reject")} loading={busy} disabled={busy}>
          Reject
        </Button>
      </InlineStack>
      {fetcher.data && !fetcher.data.ok ? <AnswerBanner answer={fetcher.data} /> : null}
    </BlockStack>
  );
}

export default function Approvals() {
  const { pending, decided } = useLoaderData<typeof loader>();
  const answer = useActionData<DecisionAnswer>();
  return (
    <Page title="Approvals" subtitle="Cash-on-delivery orders wait here until an admin approves or rejects them">
      <TitleBar title="Approvals" />
      <Layout>
        {answer ? (
          <Layout.Section>
            <AnswerBanner answer={answer} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            {pending.length === 0 ? (
              <EmptyState heading="Nothing waiting" image="">
                <p>New cash-on-delivery orders appear here, and each approver gets an email with a link.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "approval", plural: "approvals" }}
                itemCount={pending.length}
                selectable={false}
                headings={[{ title: "Order" }, { title: "Customer" }, { title: "Total" }, { title: "Risk notes" }, { title: "Waiting since" }, { title: "Decide" }]}
              >
                {pending.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <Link to={`/app/approvals/${row.id}`}>{row.orderName}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.customerName ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {row.total} {row.currency}
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.riskCount ? <Badge tone="warning">{String(row.riskCount)}</Badge> : "—"}</IndexTable.Cell>
                    <IndexTable.Cell>{when(row.requestedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <DecideButtons row={row} />
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">
                  Recently decided
                </Text>
              </div>
              <IndexTable
                resourceName={{ singular: "approval", plural: "approvals" }}
                itemCount={decided.length}
                selectable={false}
                emptyState={<Text as="p">No decisions yet.</Text>}
                headings={[{ title: "Order" }, { title: "Status" }, { title: "By" }, { title: "When" }, { title: "How" }]}
              >
                {decided.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <Link to={`/app/approvals/${row.id}`}>{row.orderName}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={tone(row.status)}>{row.status}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.decidedByEmail ?? (row.decidedVia === "SYSTEM" ? "Rappit" : "—")}</IndexTable.Cell>
                    <IndexTable.Cell>{when(row.decidedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>{row.decidedVia ? row.decidedVia.toLowerCase().replace("_", " ") : "—"}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
