// The bounds of a stock import, in one place for the route, the job, the docs and the tests.

/** Largest file the API and the upload accept. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Largest single CSV record or JSON element: a runaway quote fails fast instead of buffering the file. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** Rows per staging INSERT (unnest arrays): few round trips, bounded memory. */
export const STAGE_BATCH_ROWS = 5_000;
/** Errors kept on the InventoryImport row for the page; `errorCount` has the full count. */
export const STORED_ERRORS = 10_000;
export const MAX_SKU_LENGTH = 255;
/** PostgreSQL's integer. */
export const MAX_AVAILABLE = 2_147_483_647;
