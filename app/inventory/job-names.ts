// The inventory queue's job names. No imports: schedules and the demo import these
// without loading the Shopify app (see app/fulfillment/job-names.ts).
/** Push the shop's changed levels to every channel (debounced per shop). */
export const PUSH_STOCK_JOB = "inventory.push-stock";
/** Apply an uploaded stock file (progress on the InventoryImport row). */
export const IMPORT_FILE_JOB = "inventory.import-file";
/** Read the channels' catalogs: map SKUs to channel ids, import quantities of new SKUs. */
export const IMPORT_CATALOG_JOB = "inventory.import-catalog";
/** Try again to reserve orders held for lack of stock, after stock came in. */
export const RETRY_HOLDS_JOB = "inventory.retry-stock-holds";
/** Every minute: shops whose channels are behind get a push (a push request lost to a Redis outage). */
export const PUSH_SWEEP_JOB = "inventory.push-sweep";
