// Jobs: queue health (global, all shops) next to this shop's dead letters, the jobs that
// failed for the last time, each with Retry and Discard.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { FilteredListCard, useListNavigation } from "~/components/cursor-list";
import { InvalidCursorError, pageCursors } from "~/db/keyset-pagination";
import { forShop, getPrisma } from "~/db/prisma.server";
import {
  DeadLetterNotFoundError,
  DeadLetterNotRetryableError,
  discardDeadLetter,
  listDeadLetters,
  retryDeadLetter,
  type DeadLetterStatus,
} from "~/jobs/dead-letters.server";
import { InvalidJobsQueryError, jobsOverview, parseJobsQuery, type JobState, type JobsOverview } from "~/jobs/job-admin.server";
import { QueueUnavailableError } from "~/jobs/queues.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";
import { WrappingCell } from "~/components/wrapping-cell";

interface DeadLetterRow {
  id: string;
  queue: string;
  jobName: string;
  jobId: string;
  error: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  orderId: string | null;
  status: string;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const overview: JobsOverview = await jobsOverview(db);
  let query;
  try {
    query = parseJobsQuery(new URL(request.url).searchParams);
  } catch (error) {
    if (!(error instanceof InvalidJobsQueryError || error instanceof InvalidCursorError)) throw error;
    const empty: DeadLetterRow[] = [];
    return json({ error: error.message, overview, deadLetters: empty, olderCursor: null, newerCursor: null }, { status: 400 });
  }
  const page = await listDeadLetters(db, query);
  return json({
    error: null as string | null,
    overview,
    deadLetters: page.rows.map(
      (row): DeadLetterRow => ({
        id: row.id,
        queue: row.queue,
        jobName: row.jobName,
        jobId: row.jobId,
        error: row.error,
        attempts: row.attempts,
        firstFailedAt: row.firstFailedAt.toISOString(),
        lastFailedAt: row.lastFailedAt.toISOString(),
        orderId: row.orderId,
        status: row.status,
      }),
    ),
    ...pageCursors(page, (row) => row.createdAt),
  });
};

type ActionData = { ok: true; message: string; jobId?: string } | { ok: false; message: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
  try {
    switch (intent) {
      case "retry": {
        const { deadLetter, jobId } = await retryDeadLetter(db, id, actor);
        return json<ActionData>({ ok: true, message: `Job ${deadLetter.jobName} enqueued again on ${deadLetter.queue} (job ${jobId}).`, jobId });
      }
      case "discard": {
        const { deadLetter } = await discardDeadLetter(db, id, actor);
        return json<ActionData>({ ok: true, message: `Failed job ${deadLetter.jobName} discarded.` });
      }
      default:
        return json<ActionData>({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError || error instanceof DeadLetterNotRetryableError) {
      return json<ActionData>({ ok: false, message: error.message }, { status: error.status });
    }
    if (error instanceof QueueUnavailableError) {
      return json<ActionData>({ ok: false, message: "The job queue does not answer right now (Redis is down). Try again in a minute." }, { status: 503 });
    }
    throw error;
  }
};

// Typed by the server modules' unions (type-only imports: nothing server-side reaches the browser).
const STATUS_LABELS: Record<DeadLetterStatus, string> = { OPEN: "Open", RETRIED: "Retried", DISCARDED: "Discarded" };
const STATE_LABELS: Record<JobState, string> = { waiting: "Waiting", active: "Active", delayed: "Delayed", failed: "Failed", completed: "Completed" };
const DEAD_LETTER_STATUSES = Object.keys(STATUS_LABELS) as DeadLetterStatus[];
const JOB_STATES = Object.keys(STATE_LABELS) as JobState[];

export default function Jobs() {
  const { error, overview, deadLetters, olderCursor, newerCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const { params, go } = useListNavigation("/app/jobs");
  const status = DEAD_LETTER_STATUSES.find((value) => value === params.get("status")) ?? "OPEN";

  return (
    <Page>
      <TitleBar title="Jobs" />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {error ? (
          <Layout.Section>
            <Banner tone="critical" title="This view could not be shown">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Queues
              </Text>
              <Text as="p" tone="subdued">
                Queue health counts every store&apos;s jobs together (Rappit&apos;s queues are shared). Failed jobs
                of your store are its dead letters, listed below.
              </Text>
              {overview.queuesUnavailable ? (
                <Banner tone="warning" title="Queue health is unavailable">
                  <p>{overview.queuesUnavailable}</p>
                </Banner>
              ) : null}
              <DataTable
                columnContentTypes={["text", ...JOB_STATES.map(() => "numeric" as const), "numeric"]}
                headings={["Queue", ...JOB_STATES.map((state) => `${STATE_LABELS[state]} (all stores)`), "Your dead letters"]}
                rows={overview.queues.map((row) => [
                  row.queue,
                  ...JOB_STATES.map((state) => (row.global ? String(row.global[state]) : "—")),
                  String(row.openDeadLetters),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <FilteredListCard
            filters={
              <Select
                label="Dead letters"
                labelInline
                options={DEAD_LETTER_STATUSES.map((value) => ({ label: STATUS_LABELS[value], value }))}
                value={status}
                onChange={(value) => go({ status: value === "OPEN" ? null : value })}
              />
            }
            empty={deadLetters.length === 0 && !error ? { heading: "No failed jobs", body: "Jobs that fail after all their attempts are kept here, so you can retry or discard them." } : null}
            pagination={{ olderCursor, newerCursor, go }}
          >
            <IndexTable
              resourceName={{ singular: "failed job", plural: "failed jobs" }}
              itemCount={deadLetters.length}
              selectable={false}
              headings={[
                { title: "Job" },
                { title: "Error" },
                { title: "Attempts" },
                { title: "Last failure" },
                { title: "Order" },
                { title: "" },
              ]}
            >
              {deadLetters.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <WrappingCell>
                      <BlockStack gap="050">
                        <Text as="span">{row.jobName}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {`${row.queue} · ${row.jobId}`}
                        </Text>
                      </BlockStack>
                    </WrappingCell>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <WrappingCell>
                      <Text as="span" tone="critical">
                        {row.error.length > 160 ? `${row.error.slice(0, 157)}…` : row.error}
                      </Text>
                    </WrappingCell>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.attempts}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span">{new Date(row.lastFailedAt).toLocaleString()}</Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.orderId ? <Link url={`/app/orders/${row.orderId}`}>View order</Link> : null}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.status === "OPEN" ? (
                      <InlineStack gap="200" wrap={false}>
                        <Form method="post">
                          <input type="hidden" name="intent" value="retry" />
                          <input type="hidden" name="id" value={row.id} />
                          <Button submit disabled={busy}>
                            Retry
                          </Button>
                        </Form>
                        <Form method="post">
                          <input type="hidden" name="intent" value="discard" />
                          <input type="hidden" name="id" value={row.id} />
                          <Button submit tone="critical" disabled={busy}>
                            Discard
                          </Button>
                        </Form>
                      </InlineStack>
                    ) : (
                      <Badge>{STATUS_LABELS[row.status as DeadLetterStatus] ?? row.status}</Badge>
                    )}
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
