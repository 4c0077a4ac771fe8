import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";

// The emulator's inventory slice follows the 2026-04 rules the inventory sync must meet.
let emulator: ShopifyEmulator;
const SHOP = "stock.myshopify.com";

beforeAll(async () => {
  emulator = await startShopifyEmulator({ apiKey: "k", apiSecret: "s", scopes: "" });
  emulator.state.addShop(SHOP);
});
afterAll(() => emulator.close());

const ADJUST = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;
const ADJUST_WITHOUT_KEY = ADJUST.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "");

type AdjustReply = {
  inventoryAdjustQuantities: {
    inventoryAdjustmentGroup: { id: string; changes: Array<{ quantityAfterChange: number }> } | null;
    userErrors: Array<{ code: string; message: string }>;
  };
};

async function adjust(change: Record<string, unknown>, key?: string) {
  const shop = emulator.state.shops.get(SHOP)!;
  const input = { reason: "correction", name: "available", changes: [change] };
  const reply = (await emulator.graphql.execute(shop, {
    query: key ? ADJUST : ADJUST_WITHOUT_KEY,
    variables: key ? { input, key } : { input },
  })) as { data: AdjustReply; errors?: unknown };
  if (reply.errors) throw new Error(JSON.stringify(reply.errors));
  return reply.data.inventoryAdjustQuantities;
}

describe("Shopify emulator: inventoryAdjustQuantities", () => {
  it("applies a change whose changeFromQuantity matches, once per idempotency key", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    const item = shop.inventory.addItem("TEE-M", shop.primaryLocationId, 10);
    const change = { delta: -2, inventoryItemId: item.id, locationId: shop.primaryLocationId, changeFromQuantity: 10 };

    const first = await adjust(change, "job-1");
    expect(first.userErrors).toEqual([]);
    expect(first.inventoryAdjustmentGroup!.changes[0].quantityAfterChange).toBe(8);
    // A retried job reuses its key: the first answer comes back and nothing is applied twice.
    const retried = await adjust(change, "job-1");
    expect(retried.inventoryAdjustmentGroup!.id).toBe(first.inventoryAdjustmentGroup!.id);
    expect(item.available.get(shop.primaryLocationId)).toBe(8);
  });

  it("refuses a stale changeFromQuantity, a missing one, and a missing idempotency key", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    const item = shop.inventory.addItem("TEE-L", shop.primaryLocationId, 5);
    const base = { delta: 1, inventoryItemId: item.id, locationId: shop.primaryLocationId };

    expect((await adjust({ ...base, changeFromQuantity: 4 }, "k-stale")).userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    expect((await adjust(base, "k-missing")).userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_REQUIRED");
    expect((await adjust({ ...base, changeFromQuantity: 5 })).userErrors[0].code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect(item.available.get(shop.primaryLocationId)).toBe(5);
    // An explicit null opts out of the check.
    expect((await adjust({ ...base, changeFromQuantity: null }, "k-null")).inventoryAdjustmentGroup!.changes[0].quantityAfterChange).toBe(6);
  });

  it("finds items by SKU with their available quantity per location", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    shop.inventory.addItem("MUG", shop.primaryLocationId, 3);
    const reply = (await emulator.graphql.execute(shop, {
      query: `{ inventoryItems(first: 5, query: "sku:MUG") { nodes { sku inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available"]) { name quantity } } } } } }`,
    })) as unknown as { data: { inventoryItems: { nodes: Array<{ sku: string; inventoryLevels: { nodes: Array<{ quantities: unknown[] }> } }> } } };
    expect(reply.data.inventoryItems.nodes).toEqual([
      expect.objectContaining({ sku: "MUG", inventoryLevels: { nodes: [expect.objectContaining({ quantities: [{ name: "available", quantity: 3 }] })] } }),
    ]);
  });
});

describe("Shopify emulator: inventory reads for the sync", () => {
  it("reads levels at one location by node ids, null where the item is not stocked or unknown", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    const stocked = shop.inventory.addItem("NODE-A", shop.primaryLocationId, 4);
    const elsewhere = shop.inventory.addItem("NODE-B", "gid://shopify/Location/999", 2);
    const reply = (await emulator.graphql.execute(shop, {
      query: `query L($ids: [ID!]!, $loc: ID!) { nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } } } } }`,
      variables: { ids: [stocked.id, elsewhere.id, "gid://shopify/InventoryItem/1"], loc: shop.primaryLocationId },
    })) as unknown as { data: { nodes: Array<{ id: string; inventoryLevel: { quantities: Array<{ quantity: number }> } | null } | null> }; extensions: { cost: { requestedQueryCost: number } } };
    expect(reply.data.nodes).toEqual([
      { id: stocked.id, inventoryLevel: { quantities: [{ name: "available", quantity: 4 }] } },
      { id: elsewhere.id, inventoryLevel: null },
      null,
    ]);
    // Costed like a connection of three objects, not as one field.
    expect(reply.extensions.cost.requestedQueryCost).toBeGreaterThan(6);
  });

  it("pages through inventory items with cursors and names each item's variant", async () => {
    const other = emulator.state.addShop(`pages-${Date.now()}.myshopify.com`);
    for (let i = 0; i < 5; i++) other.inventory.addItem(`P-${i}`, other.primaryLocationId, i, { productTitle: "Tee", variantTitle: i === 0 ? "Default Title" : `Size ${i}` });
    const skus: string[] = [];
    const titles: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const reply = (await emulator.graphql.execute(other, {
        query: `query C($after: String) { inventoryItems(first: 2, after: $after) { nodes { sku tracked variant { displayName } } pageInfo { hasNextPage endCursor } } }`,
        variables: { after },
      })) as unknown as { data: { inventoryItems: { nodes: Array<{ sku: string; tracked: boolean; variant: { displayName: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
      const page = reply.data.inventoryItems;
      skus.push(...page.nodes.map((n) => n.sku));
      titles.push(...page.nodes.map((n) => n.variant.displayName));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(skus).toEqual(["P-0", "P-1", "P-2", "P-3", "P-4"]);
    expect(titles.slice(0, 2)).toEqual(["Tee", "Tee - Size 1"]);
  });

  it("tells the listener of every applied change, and a dropped answer keeps the change", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    const item = shop.inventory.addItem("HOOK", shop.primaryLocationId, 7);
    const seen: Array<[string, number]> = [];
    const original = emulator.state.onInventoryLevelChange;
    emulator.state.onInventoryLevelChange = (_shop, changed, _location, available) => seen.push([changed.sku, available]);
    try {
      await adjust({ delta: -3, inventoryItemId: item.id, locationId: shop.primaryLocationId, changeFromQuantity: 7 }, "hook-1");
      shop.inventory.setAvailable(item.id, shop.primaryLocationId, 9);
      // A concurrent change makes the next adjustment stale; the key is logged either way.
      shop.inventory.concurrentChanges = 1;
      const stale = await adjust({ delta: -1, inventoryItemId: item.id, locationId: shop.primaryLocationId, changeFromQuantity: 9 }, "hook-2");
      expect(stale.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    } finally {
      emulator.state.onInventoryLevelChange = original;
    }
    expect(seen).toEqual([["HOOK", 4], ["HOOK", 9], ["HOOK", 10]]);
    expect(shop.inventory.keysSeen.slice(-2)).toEqual(["hook-1", "hook-2"]);
  });
});
