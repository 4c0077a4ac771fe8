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
