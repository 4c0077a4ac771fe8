// Pure mapping between Rappit's inventory items and Shopify's Admin API (2026-10):
// the GraphQL documents, the adjustment each item needs, and the idempotency key of
// an adjustment. No I/O here.
import { createHash } from "node:crypto";

/** Reads of `available` at one location for many items (Shopify: at most 250 ids per nodes()). */
export const LEVELS_QUERY = `#graphql
  query RappitInventoryLevels($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
      }
    }
  }`;

/**
 * From 2026-04 Shopify requires changeFromQuantity on every change (compare-and-swap)
 * and an @idempotent key on the mutation; a repeated key returns the first answer.
 */
export const ADJUST_MUTATION = `#graphql
  mutation RappitAdjustAvailable($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { id }
      userErrors { field message code }
    }
  }`;

export const CATALOG_QUERY = `#graphql
  query RappitInventoryCatalog($first: Int!, $after: String, $locationId: ID!) {
    inventoryItems(first: $first, after: $after) {
      nodes {
        id
        sku
        tracked
        variant { displayName }
        inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

/** Per catalog page: each node costs about five points, so 100 stays well under the 1,000-point query limit. */
export const CATALOG_PAGE_SIZE = 100;
/** Ids per level read: same reasoning as the catalog page. */
export const LEVELS_BATCH = 100;
/** Shopify refuses input arrays longer than 250. */
export const ADJUST_BATCH = 250;

export interface LevelNode {
  id: string;
  inventoryLevel: { quantities: Array<{ name: string; quantity: number }> } | null;
}

export interface CatalogNode extends LevelNode {
  sku: string | null;
  tracked: boolean;
  variant: { displayName: string } | null;
}

export interface AdjustUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/** `available` of a level node; null when the item is not stocked at the location. */
export function availableOf(node: Pick<LevelNode, "inventoryLevel"> | null | undefined): number | null {
  const quantity = node?.inventoryLevel?.quantities.find((q) => q.name === "available");
  return quantity ? quantity.quantity : null;
}

export interface ShopifyTarget {
  itemId: string;
  inventoryItemId: string;
  locationId: string;
  version: number;
  target: number;
}

export interface ShopifyChange {
  delta: number;
  inventoryItemId: string;
  locationId: string;
  changeFromQuantity: number;
}

/** The change that takes `current` to `target`; null when Shopify already shows the target. */
export function changeFor(target: ShopifyTarget, current: number): ShopifyChange | null {
  if (current === target.target) return null;
  return { delta: target.target - current, inventoryItemId: target.inventoryItemId, locationId: target.locationId, changeFromQuantity: current };
}

/**
 * A UUID derived from the job and exactly what it asks Shopify to do: a retried job
 * that reads the same quantities sends the same key (Shopify then answers the first
 * result instead of applying the change twice), while any other change gets a new one.
 * The item versions keep two pushes of one job with equal numbers apart.
 */
export function idempotencyKey(jobId: string, changes: Array<ShopifyChange & { version: number }>): string {
  const parts = changes
    .map((c) => `${c.inventoryItemId}@${c.locationId}#${c.version}:${c.changeFromQuantity}>${c.changeFromQuantity + c.delta}`)
    .sort();
  const hex = createHash("sha256").update(`${jobId}|${parts.join(",")}`).digest("hex");
  // RFC 4122 layout: version 5 (name-based, SHA) and the variant bits.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** gid://shopify/InventoryItem/123 for the numeric ids of REST-shaped webhooks. */
export const inventoryItemGid = (id: number | string) => `gid://shopify/InventoryItem/${id}`;
export const locationGid = (id: number | string) => `gid://shopify/Location/${id}`;

/** Rappit's quantities never go below zero; Shopify's can (oversold). */
export const importableQuantity = (quantity: number | null | undefined) => Math.max(0, quantity ?? 0);
