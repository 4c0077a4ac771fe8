// Customer data requests (GDPR): each export Shopify asked for, ready to download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { forShop, getPrisma } from "~/db/prisma.server";
import { listDataExports } from "~/gdpr/data-exports.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";
import { downloadFile } from "~/components/download-file";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const exports = await listDataExports(forShop(shop.id));
  return {
    exports: exports.map((row) => ({
      id: row.id,
      requestId: row.requestId,
      customer: row.email ?? (row.customerExternalId ? `Customer ${row.customerExternalId}` : "Unknown customer"),
      createdAt: row.createdAt.toISOString(),
    })),
  };
};

function download(id: string, requestId: string): Promise<void> {
  return downloadFile(`/app/privacy/${id}`, `rappit-data-request-${requestId}.json`, "The export could not be downloaded. Reload the page and try again.");
}

export default function DataRequests() {
  const { exports } = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Data requests" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="p" tone="subdued">
              When a customer asks your store for their data, Shopify tells Rappit and Rappit prepares
              everything it holds about them here. Download it and send it to the customer.
            </Text>
            <Card padding="0">
              {exports.length === 0 ? (
                <EmptyState heading="No data requests" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
                  <p>Customer data requests from Shopify appear here.</p>
                </EmptyState>
              ) : (
                <IndexTable
                  resourceName={{ singular: "request", plural: "requests" }}
                  itemCount={exports.length}
                  selectable={false}
                  headings={[{ title: "Customer" }, { title: "Request" }, { title: "Received" }, { title: "" }]}
                >
                  {exports.map((row, index) => (
                    <IndexTable.Row id={row.id} key={row.id} position={index}>
                      <IndexTable.Cell>{row.customer}</IndexTable.Cell>
                      <IndexTable.Cell>{row.requestId}</IndexTable.Cell>
                      <IndexTable.Cell>{new Date(row.createdAt).toLocaleString()}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Button onClick={() => download(row.id, row.requestId)}>Download JSON</Button>
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
