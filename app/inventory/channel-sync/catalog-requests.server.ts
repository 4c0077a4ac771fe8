// Asking for a catalog import: after install, after a WooCommerce store connects, and
// from the inventory page's "Import catalog" button. Never throws for a Redis outage:
// an install or a connection must not fail over it (the button can be pressed again).
import { enqueue, QueueUnavailableError } from "../../jobs/queues.server";
import { loggerFor } from "../../logging/logger.server";
import { IMPORT_CATALOG_JOB } from "../job-names";

const logger = loggerFor("inventory");
export const CATALOG_WINDOW_MS = 10_000;

/**
 * Enqueues the shop's catalog import. Requests within one 10-second window share one
 * job, run at the window's end: an install followed by a store connection, or a
 * button pressed twice, read the catalogs once.
 */
export async function requestCatalogImport(shopId: string): Promise<boolean> {
  const bucket = Math.floor(Date.now() / CATALOG_WINDOW_MS) + 1;
  const delay = Math.max(0, bucket * CATALOG_WINDOW_MS - Date.now());
  try {
    await enqueue({ queue: "inventory", name: IMPORT_CATALOG_JOB, data: { shopId }, jobId: `catalog-${shopId}-${bucket}`, options: { delay } });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shopId }, "queue unavailable: catalog import not requested (Import catalog on the inventory page runs it)");
    return false;
  }
}
