// Inventory's channel sync, one door: pushes to Shopify and WooCommerce, the sweep,
// the catalog import and the reconciliation of changes made on a channel.
export { runInventoryPush, type PushResult } from "./push-job.server";
export { runInventoryPushSweep } from "./push-sweep.server";
export { runCatalogImport } from "./catalog-import.server";
export { requestCatalogImport } from "./catalog-requests.server";
export { reconcileShopifyLevel, reconcileWooProduct, type ReconcileOutcome } from "./reconcile.server";
