// The stock import: a CSV or JSON file of SKU levels applied all or nothing, used by
// the API (an upload streamed from the request) and the page's job (a stored file).
// One transaction on one connection: stage every row, check them set-based, and
// either roll back with the report of every bad row or set the levels, record the
// movements and mark the import APPLIED. Channels and held orders hear after commit.
import type { ShopDatabase } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { recordAuditSql } from "../../security/audit.server";
import { Rollback, withPgTransaction } from "../../db/pg-transaction.server";
import { requestInventoryPush, requestStockHoldRetry } from "../push-requests.server";
import { applyLevels, type AppliedLevels } from "./apply-levels.server";
import { ImportInputError, UnreadableFileError } from "./import-errors";
import { createImportRecord, markAppliedIn, markFailed, markRejected, markRunning } from "./import-records.server";
import type { ByteSource, ImportFormat, RowError } from "./import-types";
import { readStagedRows } from "./read-rows";
import { findBadRows } from "./row-checks.server";
import { RowStager } from "./staging.server";

const logger = loggerFor("inventory");

export interface ImportStockInput {
  source: ByteSource;
  format: ImportFormat;
  /** The InventoryImport row to report on (the job's); without one, a row is created. */
  importId?: string;
  fileName?: string | null;
  actorEmail?: string | null;
  /** The Shopify user id from the session token, for the audit row. */
  actorId?: string | null;
  /** Called with the rows read so far, every `progressEvery` rows. */
  onProgress?: (processed: number) => void | Promise<void>;
  progressEvery?: number;
}

export type ImportStockResult =
  | { status: "applied"; importId: string; rows: number; changed: number; increased: number; retitled: number }
  | { status: "rejected"; importId: string; rows: number; errorCount: number; errors: RowError[] };

type Outcome = { status: "applied"; rows: number; levels: AppliedLevels } | { status: "rejected"; rows: number; errors: RowError[] };

async function stageCheckApply(db: ShopDatabase, input: ImportStockInput, importId: string): Promise<Outcome> {
  const shopId = db.$shopId();
  const every = input.progressEvery ?? 5_000;
  try {
    return await withPgTransaction(db, async (client) => {
      const stager = await RowStager.open(client);
      for await (const row of readStagedRows(input.source, input.format)) {
        await stager.add(row);
        if (input.onProgress && stager.staged % every === 0) await input.onProgress(stager.staged);
      }
      const rows = await stager.finish();
      if (rows === 0) throw new UnreadableFileError("The file has no data rows: nothing to import.");
      const errors = await findBadRows(client, shopId);
      if (errors.length > 0) throw new Rollback<Outcome>({ status: "rejected", rows, errors });
      const levels = await applyLevels(client, { shopId, reference: importId, actorEmail: input.actorEmail ?? null });
      await markAppliedIn(client, { shopId, importId, rows, applied: levels.changed });
      // In the same transaction: an applied import always has its audit row.
      await recordAuditSql(client, shopId, {
        actor: { type: "USER", id: input.actorId ?? undefined, email: input.actorEmail ?? undefined },
        action: "INVENTORY_IMPORTED",
        subject: { type: "InventoryImport", id: importId },
        after: { format: input.format, rows, changed: levels.changed, increased: levels.increased, retitled: levels.retitled },
      });
      return { status: "applied" as const, rows, levels };
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result as Outcome;
    throw error;
  }
}

/** Applies the file's levels all or nothing; see docs/inventory.md "Bulk import". */
export async function importStock(db: ShopDatabase, input: ImportStockInput): Promise<ImportStockResult> {
  const shopId = db.$shopId();
  let importId = input.importId;
  if (importId) await markRunning(db, importId);
  else importId = await createImportRecord(db, { status: "RUNNING", format: input.format, fileName: input.fileName, actorEmail: input.actorEmail });

  let outcome: Outcome;
  try {
    outcome = await stageCheckApply(db, input, importId);
  } catch (error) {
    await markFailed(db, importId, { message: error instanceof Error ? error.message : String(error), final: error instanceof ImportInputError }).catch(
      (markError: unknown) => logger.error({ shopId, importId, err: markError }, "could not record the failed import"),
    );
    throw error;
  }

  if (outcome.status === "rejected") {
    await markRejected(db, importId, outcome);
    logger.info({ shopId, importId, rows: outcome.rows, errorCount: outcome.errors.length }, "stock import rejected");
    return { status: "rejected", importId, rows: outcome.rows, errorCount: outcome.errors.length, errors: outcome.errors };
  }

  const { rows, levels } = outcome;
  // After commit: a push request that fails must not report a committed import as failed.
  // A lost push is caught up by the push sweep (items stay ahead of syncedVersion).
  const afterCommit = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => logger.error({ shopId, importId, err: error }, `stock import applied, but ${what} failed`));
  if (levels.changed > 0) await afterCommit("the push request", () => requestInventoryPush(shopId));
  if (levels.increased > 0) await afterCommit("the stock-hold retry request", () => requestStockHoldRetry(shopId));
  logger.info({ shopId, importId, rows, ...levels }, "stock import applied");
  return { status: "applied", importId, rows, ...levels };
}
