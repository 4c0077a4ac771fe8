// Scheduling reconciliation: a job scheduler per shop (every 15 minutes), created
// at install and removed at uninstall, plus on-demand runs.
import { z } from "zod";
import { getPrisma } from "../db/prisma.server";
import { enqueue, getQueue } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { RECONCILE_JOB, reconcileShopifyOrders } from "./shopify-reconciliation.server";

export const RECONCILE_EVERY_MS = 15 * 60_000;
const schedulerId = (shopId: string) => `reconcile-${shopId}`;

export async function scheduleReconciliation(shopId: string): Promise<void> {
  await getQueue("sync").upsertJobScheduler(schedulerId(shopId), { every: RECONCILE_EVERY_MS }, { name: RECONCILE_JOB, data: { shopId } });
}

export async function unscheduleReconciliation(shopId: string): Promise<void> {
  await getQueue("sync").removeJobScheduler(schedulerId(shopId));
}

/** "Sync now": one run per shop per minute at most (the job id names the minute). */
export async function requestReconciliation(shopId: string): Promise<void> {
  const minute = Math.floor(Date.now() / 60_000);
  await enqueue({ queue: "sync", name: RECONCILE_JOB, data: { shopId }, jobId: `reconcile-${shopId}-${minute}` });
}

const jobSchema = z.object({ shopId: z.uuid() });

export async function runReconcileJob(data: unknown) {
  const { shopId } = jobSchema.parse(data);
  const db = getPrisma();
  const shop = await db.shop.findUnique({ where: { id: shopId } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return { skipped: "shop not installed" };
  return reconcileShopifyOrders({ db, shopId, client: await offlineAdminClient(shop.domain), logger: loggerFor("reconciliation") });
}
