// Inventory of an emulated shop: items by SKU with an `available` quantity per
// location, changed only through inventoryAdjustQuantities with Shopify's
// 2026-04 rules: changeFromQuantity is required (explicit null opts out) and a
// stale one is refused; the @idempotent key is mandatory and a repeated key
// returns the first answer without applying the change again.
export interface EmulatedInventoryItem {
  id: string;
  sku: string;
  available: Map<string, number>; // location gid -> quantity
}

export interface InventoryChange {
  delta: number;
  inventoryItemId: string;
  locationId: string;
  changeFromQuantity?: number | null;
}

export interface AdjustResult {
  inventoryAdjustmentGroup: { id: string; reason: string; changes: Array<{ name: string; delta: number; quantityAfterChange: number; item: { id: string } }> } | null;
  userErrors: Array<{ field: string[]; message: string; code: string }>;
}

let nextId = 30_322_695;

export class Inventory {
  readonly items = new Map<string, EmulatedInventoryItem>();
  private readonly idempotent = new Map<string, AdjustResult>();
  adjustments = 0;

  addItem(sku: string, locationId: string, available: number): EmulatedInventoryItem {
    const item: EmulatedInventoryItem = { id: `gid://shopify/InventoryItem/${nextId++}`, sku, available: new Map([[locationId, available]]) };
    this.items.set(item.id, item);
    return item;
  }

  bySku(sku: string): EmulatedInventoryItem | undefined {
    return [...this.items.values()].find((item) => item.sku === sku);
  }

  adjust(input: { reason: string; name: string; changes: InventoryChange[] }, idempotencyKey: string | undefined): AdjustResult {
    const refuse = (field: string[], message: string, code: string): AdjustResult => ({ inventoryAdjustmentGroup: null, userErrors: [{ field, message, code }] });
    if (!idempotencyKey) return refuse(["input"], "The @idempotent directive with a key is required for this mutation.", "IDEMPOTENCY_KEY_REQUIRED");
    const earlier = this.idempotent.get(idempotencyKey);
    if (earlier) return earlier;
    if (input.name !== "available") return refuse(["input", "name"], "Only the available quantity can be adjusted here.", "INVALID_QUANTITY_NAME");

    // Validate every change first: all apply or none do.
    for (const [index, change] of input.changes.entries()) {
      const item = this.items.get(change.inventoryItemId);
      const current = item?.available.get(change.locationId);
      if (!item || current === undefined) {
        return refuse(["input", "changes", String(index)], "The inventory item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION");
      }
      if (change.changeFromQuantity === undefined) {
        return refuse(["input", "changes", String(index), "changeFromQuantity"], "changeFromQuantity is required (pass null to opt out).", "CHANGE_FROM_QUANTITY_REQUIRED");
      }
      if (change.changeFromQuantity !== null && change.changeFromQuantity !== current) {
        return refuse(["input", "changes", String(index), "changeFromQuantity"], `The quantity changed: it is ${current}, not ${change.changeFromQuantity}.`, "CHANGE_FROM_QUANTITY_STALE");
      }
    }
    const result: AdjustResult = {
      inventoryAdjustmentGroup: {
        id: `gid://shopify/InventoryAdjustmentGroup/${nextId++}`,
        reason: input.reason,
        changes: input.changes.map((change) => {
          const item = this.items.get(change.inventoryItemId)!;
          const after = item.available.get(change.locationId)! + change.delta;
          item.available.set(change.locationId, after);
          return { name: "available", delta: change.delta, quantityAfterChange: after, item: { id: item.id } };
        }),
      },
      userErrors: [],
    };
    this.adjustments += 1;
    this.idempotent.set(idempotencyKey, result);
    return result;
  }
}
