// Inventory: every SKU Rappit manages with its available and reserved stock, a search,
// a stock file upload that runs as a job (progress bar, then the result or the error
// report), and "Import catalog" to map the channels' SKUs.
import {
  json,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  DropZone,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useListNavigation } from "~/components/cursor-list";
import { downloadFile } from "~/components/download-file";
import { forShop, getPrisma } from "~/db/prisma.server";
import { ImportInputError, MAX_IMPORT_BYTES, queueInventoryImport } from "~/inventory/bulk-import/index.server";
import { requestCatalogImport } from "~/inventory/channel-sync/catalog-requests.server";
import {
  importById,
  InvalidInventoryQueryError,
  listStock,
  parseInventoryQuery,
  recentImports,
  stockSummary,
} from "~/inventory/stock-queries.server";
import { QueueUnavailableError } from "~/jobs/queues.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

interface ImportView {
  id: string;
  status: string;
  fileName: string | null;
  rows: number;
  processed: number;
  applied: number;
  errorCount: number;
  errors: Array<{ line: number; sku: string; reason: string }>;
  error: string | null;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const params = new URL(request.url).searchParams;
  const summary = await stockSummary(db);
  const importId = params.get("import");
  const found = importId ? await importById(db, importId) : null;
  const current: ImportView | null = found
    ? {
        id: found.id,
        status: found.status,
        fileName: found.fileName,
        rows: found.rows,
        processed: found.processed,
        applied: found.applied,
        errorCount: found.errorCount,
        // The page shows the first rows; the full list is in the downloadable report.
        errors: ((found.errors as ImportView["errors"] | null) ?? []).slice(0, 50),
        error: found.error,
      }
    : null;
  const imports = (await recentImports(db)).map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null }));
  try {
    const page = await listStock(db, parseInventoryQuery(params));
    return json({ error: null as string | null, summary, current, imports, ...page });
  } catch (error) {
    if (!(error instanceof InvalidInventoryQueryError)) throw error;
    return json({ error: error.message, summary, current, imports, rows: [], nextCursor: null, previousCursor: null }, { status: 400 });
  }
};

type ActionData = { ok: boolean; message: string };

function formatOf(fileName: string, contentType: string): "CSV" | "JSON" | null {
  if (/\.json$/i.test(fileName) || contentType.includes("json")) return "JSON";
  if (/\.csv$/i.test(fileName) || contentType.includes("csv") || contentType === "text/plain") return "CSV";
  return null;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const contentType = request.headers.get("content-type") ?? "";

  if (!contentType.startsWith("multipart/form-data")) {
    const form = await request.formData();
    if (form.get("intent") !== "import-catalog") return json<ActionData>({ ok: false, message: "Unknown action." }, { status: 400 });
    if (!(await requestCatalogImport(shop.id))) {
      return json<ActionData>({ ok: false, message: "Background work is unavailable right now (Redis does not answer). Try again in a minute." }, { status: 503 });
    }
    return json<ActionData>({ ok: true, message: "Reading your Shopify and WooCommerce catalogs. New SKUs appear here within a minute." });
  }

  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch (error) {
    if (!(error instanceof MaxPartSizeExceededError)) throw error;
    return json<ActionData>({ ok: false, message: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.` }, { status: 413 });
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return json<ActionData>({ ok: false, message: "Choose a CSV or JSON file to upload." }, { status: 400 });
  const format = formatOf(file.name, file.type);
  if (!format) return json<ActionData>({ ok: false, message: `${file.name} is not a CSV or JSON file.` }, { status: 415 });
  try {
    const { importId } = await queueInventoryImport(db, {
      fileName: file.name.slice(0, 255),
      format,
      content: Buffer.from(await file.arrayBuffer()),
      actorEmail: null,
    });
    return redirect(`/app/inventory?import=${importId}`);
  } catch (error) {
    if (error instanceof ImportInputError) return json<ActionData>({ ok: false, message: error.message }, { status: 400 });
    if (error instanceof QueueUnavailableError) {
      return json<ActionData>({ ok: false, message: "Background work is unavailable right now (Redis does not answer). Upload the file again in a minute." }, { status: 503 });
    }
    throw error;
  }
};

const RUNNING = new Set(["QUEUED", "RUNNING"]);

function ImportProgress({ current }: { current: ImportView }) {
  const revalidator = useRevalidator();
  const running = RUNNING.has(current.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1_000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const name = current.fileName ?? "The file";
  if (running) {
    const progress = current.rows > 0 ? Math.min(100, Math.round((current.processed / current.rows) * 100)) : 0;
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Importing {name}
          </Text>
          <ProgressBar progress={progress} tone="primary" />
          <Text as="p" tone="subdued">
            {current.status === "QUEUED" ? "Waiting to start…" : `${current.processed.toLocaleString()} of ${current.rows.toLocaleString()} rows checked`}
          </Text>
        </BlockStack>
      </Card>
    );
  }
  if (current.status === "APPLIED") {
    return (
      <Banner tone="success" title={`${name} imported`}>
        <p>
          {current.rows.toLocaleString()} rows checked, {current.applied.toLocaleString()} SKUs changed. Your channels are being updated.
        </p>
      </Banner>
    );
  }
  if (current.status === "FAILED") {
    return (
      <Banner tone="critical" title={`${name} could not be imported`}>
        <p>{current.error ?? "The import failed."} Nothing was changed.</p>
      </Banner>
    );
  }
  return (
    <Banner
      tone="critical"
      title={`${name}: ${current.errorCount.toLocaleString()} row${current.errorCount === 1 ? "" : "s"} to fix. Nothing was changed.`}
      action={{
        content: "Download error report",
        onAction: () => void downloadFile(`/app/inventory/imports/${current.id}/errors`, `${(current.fileName ?? "stock").replace(/\.[^.]+$/, "")}-errors.csv`, "The error report could not be downloaded."),
      }}
    >
      <BlockStack gap="200">
        <p>Correct these rows and upload the file again. Every row is checked before anything is applied.</p>
        <DataTable
          columnContentTypes={["numeric", "text", "text"]}
          headings={["Line", "SKU", "Problem"]}
          rows={current.errors.map((row) => [row.line, row.sku || "—", row.reason])}
        />
        {current.errorCount > current.errors.length ? (
          <Text as="p" tone="subdued">
            And {(current.errorCount - current.errors.length).toLocaleString()} more in the error report.
          </Text>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

function syncBadge(row: { version: number; syncedVersion: number; syncError: string | null; shopifyInventoryItemId: string | null; wooProductId: number | null }) {
  if (!row.shopifyInventoryItemId && !row.wooProductId) return <Badge>Not on a channel</Badge>;
  if (row.syncError) return <Badge tone="critical">Sync failed</Badge>;
  if (row.version > row.syncedVersion) return <Badge tone="attention">Updating</Badge>;
  return <Badge tone="success">In sync</Badge>;
}

export default function Inventory() {
  const { error, summary, current, rows, nextCursor, previousCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const { params, go } = useListNavigation("/app/inventory");
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [file, setFile] = useState<File | null>(null);
  const uploading = navigation.state === "submitting" && navigation.formEncType === "multipart/form-data";
  const importing = navigation.state === "submitting" && navigation.formData?.get("intent") === "import-catalog";

  const upload = () => {
    if (!file) return;
    const form = new FormData();
    form.set("file", file);
    submit(form, { method: "post", encType: "multipart/form-data" });
    setFile(null);
  };

  return (
    <Page
      title="Inventory"
      subtitle={`${summary.skus.toLocaleString()} SKUs · ${summary.outOfStock.toLocaleString()} out of stock`}
      primaryAction={{ content: "Import catalog from channels", loading: importing, onAction: () => submit({ intent: "import-catalog" }, { method: "post" }) }}
    >
      <TitleBar title="Inventory" />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "info" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        {summary.syncErrors > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title={`${summary.syncErrors} SKU${summary.syncErrors === 1 ? "" : "s"} could not be updated on a channel`}>
              <p>Rappit retries on its own. Open a SKU marked "Sync failed" to see what the channel answered.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {current ? (
          <Layout.Section>
            <ImportProgress current={current} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingSm">
                Upload stock levels
              </Text>
              <Text as="p" tone="subdued">
                A CSV with the columns <code>sku,available</code> (optionally <code>title</code>), or JSON <code>[{"{"}"sku": "…", "available": 3{"}"}]</code>. The
                file is checked in full first: if any row is wrong, nothing changes and you get a report of every row to fix.
              </Text>
              <DropZone accept=".csv,.json,text/csv,application/json" allowMultiple={false} onDrop={(files) => setFile(files[0] ?? null)} label="Stock file">
                {file ? (
                  <div style={{ padding: "var(--p-space-400)" }}>
                    <Text as="p">
                      {file.name} ({(file.size / 1024).toFixed(0)} KB)
                    </Text>
                  </div>
                ) : (
                  <DropZone.FileUpload actionTitle="Add file" actionHint="Accepts .csv and .json up to 20 MB" />
                )}
              </DropZone>
              <InlineStack align="end">
                <Button variant="primary" disabled={!file} loading={uploading} onClick={upload}>
                  Upload and import
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        {error ? (
          <Layout.Section>
            <Banner tone="critical" title="These SKUs could not be shown">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "var(--p-space-300)" }}>
              <TextField
                label="Search SKUs"
                labelHidden
                placeholder="Search by SKU or title"
                autoComplete="off"
                value={search}
                onChange={setSearch}
                clearButton
                onClearButtonClick={() => {
                  setSearch("");
                  go({ q: null });
                }}
                connectedRight={<Button onClick={() => go({ q: search.trim() || null, after: null, before: null })}>Search</Button>}
              />
            </div>
            {rows.length === 0 && !error ? (
              <EmptyState
                heading={params.get("q") ? "No SKU matches your search" : "No SKUs yet"}
                image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
                action={params.get("q") ? undefined : { content: "Import catalog from channels", onAction: () => submit({ intent: "import-catalog" }, { method: "post" }) }}
              >
                <p>Rappit keeps one stock level per SKU across Shopify and your WooCommerce stores. Import your catalog to start.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "SKU", plural: "SKUs" }}
                itemCount={rows.length}
                selectable={false}
                headings={[{ title: "SKU" }, { title: "Title" }, { title: "Available", alignment: "end" }, { title: "Reserved", alignment: "end" }, { title: "Channels" }]}
              >
                {rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <Link url={`/app/inventory/${row.id}`} removeUnderline>
                        <Text as="span" fontWeight="semibold">
                          {row.sku}
                        </Text>
                      </Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.title || "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric tone={row.available === 0 ? "critical" : undefined}>
                        {row.available.toLocaleString()}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.reserved.toLocaleString()}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="100">
                        {row.shopifyInventoryItemId ? <Badge>Shopify</Badge> : null}
                        {row.wooProductId ? <Badge>WooCommerce</Badge> : null}
                        {syncBadge(row)}
                      </InlineStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            {nextCursor || previousCursor ? (
              <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
                <Pagination
                  hasPrevious={Boolean(previousCursor)}
                  onPrevious={() => go({ before: previousCursor, after: null })}
                  hasNext={Boolean(nextCursor)}
                  onNext={() => go({ after: nextCursor, before: null })}
                />
              </div>
            ) : null}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
