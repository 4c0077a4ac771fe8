// Activity: the shop's audit trail, newest first, filterable by action, paginated.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  IndexTable,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { FilteredListCard, useListNavigation } from "~/components/cursor-list";
import { forShop, getPrisma } from "~/db/prisma.server";
import { AUDIT_ACTIONS } from "~/security/audit-actions";
import { listAudit } from "~/security/audit.server";
import { InvalidActivityQueryError, parseActivityQuery } from "~/security/audit-query.server";
import { InvalidCursorError, pageCursors } from "~/db/keyset-pagination";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";
import { WrappingCell } from "~/components/wrapping-cell";

interface ActivityRow {
  id: string;
  createdAt: string;
  action: string;
  actor: string;
  subject: string;
  change: string;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  let query;
  try {
    query = parseActivityQuery(new URL(request.url).searchParams);
  } catch (error) {
    if (!(error instanceof InvalidActivityQueryError || error instanceof InvalidCursorError)) throw error;
    const empty: ActivityRow[] = [];
    return json({ error: error.message, rows: empty, olderCursor: null, newerCursor: null }, { status: 400 });
  }
  const page = await listAudit(forShop(shop.id), query);
  const rows = page.rows.map((row): ActivityRow => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    action: row.action,
    actor: row.actorType === "USER" ? (row.actorEmail ?? `User ${row.actorId ?? ""}`.trim()) : row.actorType === "WORKER" ? "Background job" : "Rappit",
    subject: row.subjectType ? `${row.subjectType} ${row.subjectId ?? ""}`.trim() : "",
    change: summarize(row.before, row.after),
  }));
  return json({
    error: null as string | null,
    rows,
    ...pageCursors(page, (row) => row.createdAt),
  });
};

/** One line for the table; the stored JSON keeps the detail. */
function summarize(before: unknown, after: unknown): string {
  const text = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));
  const [from, to] = [text(before), text(after)];
  const line = from && to ? `${from} → ${to}` : to || from;
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

const actionLabel = (action: string) =>
  action.charAt(0) + action.slice(1).toLowerCase().replace(/_/g, " ");

export default function Activity() {
  const { error, rows, olderCursor, newerCursor } = useLoaderData<typeof loader>();
  const { params, go } = useListNavigation("/app/activity");
  const action = params.get("action") ?? "";

  return (
    <Page>
      <TitleBar title="Activity" />
      <Layout>
        {error && (
          <Layout.Section>
            <Banner tone="critical" title="This view could not be shown">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <FilteredListCard
            filters={
              <Select
                label="Action"
                labelInline
                options={[{ label: "All actions", value: "" }, ...AUDIT_ACTIONS.map((a) => ({ label: actionLabel(a), value: a }))]}
                value={AUDIT_ACTIONS.includes(action as (typeof AUDIT_ACTIONS)[number]) ? action : ""}
                onChange={(value) => go({ action: value || null })}
              />
            }
            empty={rows.length === 0 && !error ? { heading: "No activity yet", body: "Connections, token refreshes, approvals and other admin actions will be listed here." } : null}
            pagination={{ olderCursor, newerCursor, go }}
          >
            <IndexTable
              resourceName={{ singular: "event", plural: "events" }}
              itemCount={rows.length}
              selectable={false}
              headings={[{ title: "When" }, { title: "Action" }, { title: "By" }, { title: "Record" }, { title: "Change" }]}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <Text as="span">{new Date(row.createdAt).toLocaleString()}</Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge>{actionLabel(row.action)}</Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.actor}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <WrappingCell>{row.subject}</WrappingCell>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <WrappingCell>
                      <Text as="span" tone="subdued">
                        {row.change}
                      </Text>
                    </WrappingCell>
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
