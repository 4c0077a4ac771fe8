// The InventoryImport row: an import's status, counts and outcome, for the page's
// history and progress bar. Statuses: QUEUED -> RUNNING -> APPLIED | REJECTED | FAILED.
import type { ShopDatabase } from "../../db/prisma.server";
import type { PgClient } from "../../db/pg-transaction.server";
import { STORED_ERRORS } from "./import-limits";
import type { ImportFormat, RowError } from "./import-types";

export async function createImportRecord(
  db: ShopDatabase,
  input: { status: "QUEUED" | "RUNNING"; format: ImportFormat; fileName?: string | null; content?: Buffer | null; actorEmail?: string | null },
): Promise<string> {
  const row = await db.inventoryImport.create({
    data: {
      shopId: db.$shopId(),
      status: input.status,
      format: input.format,
      fileName: input.fileName ?? null,
      content: input.content ? new Uint8Array(input.content) : null,
      actorEmail: input.actorEmail ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

export async function markRunning(db: ShopDatabase, importId: string, rows?: number): Promise<void> {
  await db.inventoryImport.update({
    where: { id: importId },
    data: { status: "RUNNING", processed: 0, error: null, ...(rows === undefined ? {} : { rows }) },
  });
}

/** Conditional: a late progress write never overwrites a finished import nor moves backwards. */
export async function recordProgress(db: ShopDatabase, importId: string, processed: number): Promise<void> {
  await db.inventoryImport.updateMany({ where: { id: importId, status: "RUNNING", processed: { lt: processed } }, data: { processed } });
}

const MARK_APPLIED = `UPDATE "InventoryImport"
   SET status = 'APPLIED', rows = $3, processed = $3, applied = $4, errors = NULL, "errorCount" = 0, error = NULL,
       content = NULL, "finishedAt" = now()
 WHERE id = $2 AND "shopId" = $1`;

/** In the import's own transaction: the levels and the APPLIED status commit together, so a retried job sees it done. */
export async function markAppliedIn(client: PgClient, input: { shopId: string; importId: string; rows: number; applied: number }): Promise<void> {
  await client.query(MARK_APPLIED, [input.shopId, input.importId, input.rows, input.applied]);
}

export async function markRejected(db: ShopDatabase, importId: string, input: { rows: number; errors: RowError[] }): Promise<void> {
  await db.inventoryImport.update({
    where: { id: importId },
    data: {
      status: "REJECTED",
      rows: input.rows,
      processed: input.rows,
      applied: 0,
      errors: input.errors.slice(0, STORED_ERRORS).map(({ line, sku, reason }) => ({ line, sku, reason })),
      errorCount: input.errors.length,
      error: null,
      content: null,
      finishedAt: new Date(),
    },
  });
}

/**
 * Could not run. A file that cannot be read will not read better on a retry, so its
 * content goes; after any other failure it stays for the job's next attempt.
 */
export async function markFailed(db: ShopDatabase, importId: string, input: { message: string; final: boolean }): Promise<void> {
  await db.inventoryImport.update({
    where: { id: importId },
    data: { status: "FAILED", error: input.message, finishedAt: new Date(), ...(input.final ? { content: null } : {}) },
  });
}
