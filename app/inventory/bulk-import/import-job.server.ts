// The page's upload as an inventory job: the file is stored on an InventoryImport row
// and the job streams it from there into importStock, writing `processed` as it goes
// for the progress bar. A retried job finds the row APPLIED or REJECTED and stops.
import { z } from "zod";
import { forShop, getPrisma, type ShopDatabase } from "../../db/prisma.server";
import { enqueue } from "../../jobs/queues.server";
import { loggerFor } from "../../logging/logger.server";
import { IMPORT_FILE_JOB } from "../job-names";
import { FileTooLargeError, ImportInputError } from "./import-errors";
import { MAX_IMPORT_BYTES } from "./import-limits";
import { createImportRecord, markFailed, markRunning, recordProgress } from "./import-records.server";
import { importStock } from "./import-stock.server";
import type { ImportFormat } from "./import-types";
import { bufferSource, countRows } from "./read-rows";

const logger = loggerFor("inventory");
const jobSchema = z.object({ shopId: z.uuid(), importId: z.uuid() });
/** Rows between two progress writes. */
export const PROGRESS_EVERY = 1_000;

export interface QueueImportInput {
  fileName: string | null;
  format: ImportFormat;
  content: Buffer;
  actorEmail: string | null;
}

/**
 * Stores the file and enqueues its import; answers the InventoryImport id the page polls.
 * Throws QueueUnavailableError when Redis is down (the row is then FAILED, saying so).
 */
export async function queueInventoryImport(db: ShopDatabase, input: QueueImportInput): Promise<{ importId: string }> {
  if (input.content.length > MAX_IMPORT_BYTES) throw new FileTooLargeError(MAX_IMPORT_BYTES);
  const importId = await createImportRecord(db, { status: "QUEUED", ...input });
  try {
    await enqueue({ queue: "inventory", name: IMPORT_FILE_JOB, data: { shopId: db.$shopId(), importId }, jobId: `import-${importId}` });
  } catch (error) {
    await markFailed(db, importId, { message: "The import could not be queued (the job queue is unavailable); upload the file again.", final: true });
    throw error;
  }
  return { importId };
}

/**
 * Writes progress without holding up the import: one write in flight at a time (later
 * counts wait for the next call). Not awaited inside the import's transaction, because
 * on the embedded database's single connection that write waits for the commit.
 */
class ProgressWriter {
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly db: ShopDatabase,
    private readonly importId: string,
  ) {}

  report(processed: number): void {
    if (this.inFlight) return;
    this.inFlight = recordProgress(this.db, this.importId, processed)
      .catch((error: unknown) => logger.warn({ importId: this.importId, err: error }, "import progress not recorded"))
      .finally(() => {
        this.inFlight = null;
      });
  }

  async settled(): Promise<void> {
    await this.inFlight;
  }
}

export type ImportJobResult =
  | { skipped: string }
  | { status: "applied"; rows: number; changed: number }
  | { status: "rejected"; rows: number; errorCount: number }
  | { status: "failed"; error: string };

export async function runInventoryImportFile(data: unknown): Promise<ImportJobResult> {
  const { shopId, importId } = jobSchema.parse(data);
  const shop = await getPrisma().shop.findUnique({ where: { id: shopId }, select: { uninstalledAt: true, redactedAt: true } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed" };
  const db = forShop(shopId);
  const record = await db.inventoryImport.findFirst({ where: { id: importId }, select: { status: true, format: true, content: true, actorEmail: true } });
  if (!record) return { skipped: "import not found" };
  if (record.status === "APPLIED" || record.status === "REJECTED") return { skipped: `already ${record.status.toLowerCase()}` };
  if (!record.content) return { skipped: "no file content (already failed)" };

  const content = record.content;
  const format = record.format as ImportFormat;
  const progress = new ProgressWriter(db, importId);
  try {
    // A first, database-free pass for the total, so the progress bar has its denominator.
    await markRunning(db, importId, await countRows(bufferSource(content), format));
    const result = await importStock(db, {
      source: bufferSource(content),
      format,
      importId,
      actorEmail: record.actorEmail,
      onProgress: (processed) => progress.report(processed),
      progressEvery: PROGRESS_EVERY,
    });
    await progress.settled();
    return result.status === "applied"
      ? { status: "applied", rows: result.rows, changed: result.changed }
      : { status: "rejected", rows: result.rows, errorCount: result.errorCount };
  } catch (error) {
    await progress.settled();
    // An unreadable file is this job's answer, recorded on the row: no retry reads it better.
    if (error instanceof ImportInputError) {
      await markFailed(db, importId, { message: error.message, final: true });
      return { status: "failed", error: error.message };
    }
    throw error;
  }
}
