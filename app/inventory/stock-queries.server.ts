// What /app/inventory shows: SKUs in SKU order with a search, one SKU's movements,
// and the shop's recent imports. Keyset pages on the SKU, so paging is one indexed query.
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";

export const PAGE_SIZE = 50;

export class InvalidInventoryQueryError extends Error {
  readonly status = 400;
}

const querySchema = z.object({
  q: z.string().trim().max(100, "Search for at most 100 characters.").optional(),
  after: z.string().max(300).optional(),
  before: z.string().max(300).optional(),
});
export type InventoryQuery = z.infer<typeof querySchema>;

export function parseInventoryQuery(params: URLSearchParams): InventoryQuery {
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new InvalidInventoryQueryError(parsed.error.issues.map((issue) => issue.message).join(" "));
  return parsed.data;
}

export async function listStock(db: ShopDatabase, query: InventoryQuery) {
  const search = query.q
    ? { OR: [{ sku: { contains: query.q, mode: "insensitive" as const } }, { title: { contains: query.q, mode: "insensitive" as const } }] }
    : {};
  const backwards = Boolean(query.before);
  const cursor = query.before ? { sku: { lt: query.before } } : query.after ? { sku: { gt: query.after } } : {};
  const fetched = await db.inventoryItem.findMany({
    where: { AND: [search, cursor] },
    orderBy: { sku: backwards ? "desc" : "asc" },
    take: PAGE_SIZE + 1,
    select: {
      id: true,
      sku: true,
      title: true,
      available: true,
      reserved: true,
      shopifyInventoryItemId: true,
      wooProductId: true,
      version: true,
      syncedVersion: true,
      syncError: true,
      updatedAt: true,
    },
  });
  const more = fetched.length > PAGE_SIZE;
  const rows = fetched.slice(0, PAGE_SIZE);
  if (backwards) rows.reverse();
  const first = rows[0]?.sku ?? null;
  const last = rows.at(-1)?.sku ?? null;
  return {
    rows,
    // Forward: more after the last row; a previous page exists when we came from a cursor.
    nextCursor: (backwards ? Boolean(query.before) : more) ? last : null,
    previousCursor: (backwards ? more : Boolean(query.after)) ? first : null,
  };
}

export async function stockSummary(db: ShopDatabase) {
  const [skus, outOfStock, behind] = await Promise.all([
    db.inventoryItem.count(),
    db.inventoryItem.count({ where: { available: 0 } }),
    db.inventoryItem.count({ where: { syncError: { not: null } } }),
  ]);
  return { skus, outOfStock, syncErrors: behind };
}

export async function stockItem(db: ShopDatabase, itemId: string) {
  if (!z.uuid().safeParse(itemId).success) return null;
  return db.inventoryItem.findFirst({ where: { id: itemId } });
}

export function recentMovements(db: ShopDatabase, itemId: string, take = 50) {
  return db.inventoryMovement.findMany({ where: { inventoryItemId: itemId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
}

export function recentImports(db: ShopDatabase, take = 5) {
  return db.inventoryImport.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, status: true, fileName: true, format: true, rows: true, processed: true, applied: true, errorCount: true, error: true, createdAt: true, finishedAt: true },
  });
}

export function importById(db: ShopDatabase, importId: string) {
  if (!z.uuid().safeParse(importId).success) return null;
  return db.inventoryImport.findFirst({
    where: { id: importId },
    select: { id: true, status: true, fileName: true, format: true, rows: true, processed: true, applied: true, errors: true, errorCount: true, error: true, createdAt: true, finishedAt: true },
  });
}
