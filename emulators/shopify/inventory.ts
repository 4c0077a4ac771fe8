// Inventory of an emulated shop: items by SKU with an `available` quantity per
// location, changed only through inventoryAdjustQuantities with Shopify's
// 2026-04 rules: changeFromQuantity is required (explicit null opts out) and a
// stale one is refused; the @idempotent key is mandatory and a repeated key
// returns the first answer without applying the change again.
export interface EmulatedInventoryItem {
  id: string;
  sku: string;
  available: Map<string, number>; // location gid -> quantity
  /** Whether Shopify tracks the item's quantities (InventoryItem.tracked). */
  tracked: boolean;
  /** The variant the item belongs to: its title ("Medium") and its product's ("T-shirt"). */
  variantTitle: string;
  productTitle: string;
}

export interface ItemDetails {
  tracked?: boolean;
  variantTitle?: string;
  productTitle?: string;
}

/** Told of every change of an `available` quantity (the inventory_levels/update trigger). */
export type LevelListener = (item: EmulatedInventoryItem, locationId: string, available: number) => void;

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
  /** The @idempotent key of every inventoryAdjustQuantities received, in order (replays included). */
  readonly keysSeen: string[] = [];
  /**
   * Fault: before each of the next N adjustments is checked, someone else changes every
   * level it names by +1 (a sale cancelled in the admin), so its changeFromQuantity is stale.
   */
  concurrentChanges = 0;
  /** Called after each applied change of a level (set by the shop's state). */
  onLevelChange: LevelListener | null = null;

  addItem(sku: string, locationId: string, available: number, details: ItemDetails = {}): EmulatedInventoryItem {
    const item: EmulatedInventoryItem = {
      id: `gid://shopify/InventoryItem/${nextId++}`,
      sku,
      available: new Map([[locationId, available]]),
      tracked: details.tracked ?? true,
      variantTitle: details.variantTitle ?? "Default Title",
      productTitle: details.productTitle ?? `Product ${sku}`,
    };
    this.items.set(item.id, item);
    return item;
  }

  /** The merchant (or another app) sets a quantity in the admin, behind Rappit's back. */
  setAvailable(itemId: string, locationId: string, quantity: number): void {
    const item = this.items.get(itemId);
    if (!item) throw new Error(`no inventory item ${itemId}`);
    item.available.set(locationId, quantity);
    this.onLevelChange?.(item, locationId, quantity);
  }

  bySku(sku: string): EmulatedInventoryItem | undefined {
    return [...this.items.values()].find((item) => item.sku === sku);
  }

  adjust(input: { reason: string; name: string; changes: InventoryChange[] }, idempotencyKey: string | undefined): AdjustResult {
    const refuse = (field: string[], message: string, code: string): AdjustResult => ({ inventoryAdjustmentGroup: null, userErrors: [{ field, message, code }] });
    if (!idempotencyKey) return refuse(["input"], "The @idempotent directive with a key is required for this mutation.", "IDEMPOTENCY_KEY_REQUIRED");
    this.keysSeen.push(idempotencyKey);
    const earlier = this.idempotent.get(idempotencyKey);
    if (earlier) return earlier;
    if (this.concurrentChanges > 0) {
      this.concurrentChanges -= 1;
      for (const change of input.changes) {
        const current = this.items.get(change.inventoryItemId)?.available.get(change.locationId);
        if (current !== undefined) this.setAvailable(change.inventoryItemId, change.locationId, current + 1);
      }
    }
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
          this.onLevelChange?.(item, change.locationId, after);
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
