// Transport of inventory to and from a shop's Admin API: level reads, the one
// compare-and-swap adjustment per batch, and the catalog pages. Paced on the shop's
// cost bucket (pacedRequest); field mapping lives in shopify-inventory-mapping.ts.
import { HttpInternalError, HttpRequestError, type GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import { pacedRequest, sleep } from "../../shopify/paced-graphql.server";
import {
  ADJUST_MUTATION,
  CATALOG_PAGE_SIZE,
  CATALOG_QUERY,
  LEVELS_BATCH,
  LEVELS_QUERY,
  availableOf,
  type AdjustUserError,
  type CatalogNode,
  type LevelNode,
  type ShopifyChange,
} from "./shopify-inventory-mapping";

/** `available` per inventory item id at the location; null when the item is not stocked there (or gone). */
export async function readAvailable(client: GraphqlClient, inventoryItemIds: string[], locationId: string, logger: Logger): Promise<Map<string, number | null>> {
  const levels = new Map<string, number | null>();
  const unique = [...new Set(inventoryItemIds)];
  for (let i = 0; i < unique.length; i += LEVELS_BATCH) {
    const ids = unique.slice(i, i + LEVELS_BATCH);
    const reply = await pacedRequest<{ nodes: Array<LevelNode | null> }>(client, LEVELS_QUERY, { ids, locationId }, logger);
    const nodes = reply.data?.nodes ?? [];
    ids.forEach((id, index) => levels.set(id, availableOf(nodes[index])));
  }
  return levels;
}

export type AdjustOutcome = { status: "applied" } | { status: "stale"; message: string } | { status: "refused"; errors: AdjustUserError[] };

const isLostAnswer = (error: unknown) => error instanceof HttpRequestError || error instanceof HttpInternalError;
const SAME_KEY_RETRIES = 2;

/**
 * One inventoryAdjustQuantities for all `changes`. When the answer is lost (network,
 * 5xx) the same request goes again with the same key: Shopify applies it at most once.
 */
export async function adjustAvailable(client: GraphqlClient, changes: ShopifyChange[], key: string, logger: Logger): Promise<AdjustOutcome> {
  const input = { reason: "correction", name: "available", referenceDocumentUri: "rappit://inventory/push", changes };
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = await pacedRequest<{ inventoryAdjustQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: AdjustUserError[] } }>(
        client,
        ADJUST_MUTATION,
        { input, key },
        logger,
      );
      const result = reply.data?.inventoryAdjustQuantities;
      const errors = result?.userErrors ?? [];
      if (result?.inventoryAdjustmentGroup && errors.length === 0) return { status: "applied" };
      const stale = errors.find((error) => error.code === "CHANGE_FROM_QUANTITY_STALE");
      if (stale) return { status: "stale", message: stale.message };
      return { status: "refused", errors: errors.length ? errors : [{ field: null, message: "Shopify applied nothing and gave no reason", code: null }] };
    } catch (error) {
      if (!isLostAnswer(error) || attempt >= SAME_KEY_RETRIES) throw error;
      logger.warn({ attempt: attempt + 1, err: error }, "inventory adjustment answer lost: sending it again with the same key");
      await sleep(200 * (attempt + 1));
    }
  }
}

export interface ShopifyCatalogEntry {
  inventoryItemId: string;
  sku: string;
  title: string;
  tracked: boolean;
  /** null when not stocked at the location */
  available: number | null;
}

/** Every inventory item with a SKU, with its `available` at `locationId`, a page at a time. */
export async function* shopifyCatalog(client: GraphqlClient, locationId: string, logger: Logger): AsyncGenerator<ShopifyCatalogEntry[]> {
  let after: string | null = null;
  for (;;) {
    const reply: { data?: { inventoryItems: { nodes: CatalogNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
      await pacedRequest(client, CATALOG_QUERY, { first: CATALOG_PAGE_SIZE, after, locationId }, logger);
    const page = reply.data?.inventoryItems;
    if (!page) return;
    const entries = page.nodes
      .filter((node) => node.sku && node.sku.trim() !== "")
      .map((node) => ({
        inventoryItemId: node.id,
        sku: node.sku!.trim(),
        title: node.variant?.displayName ?? "",
        tracked: node.tracked,
        available: availableOf(node),
      }));
    if (entries.length > 0) yield entries;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}
