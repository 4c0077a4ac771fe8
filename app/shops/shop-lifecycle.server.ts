// What happens when a shop installs (or an admin's token exchange completes) and
// when it uninstalls, in one place.
import { unscheduleOrderPoll } from "../channels/woocommerce/channel-jobs.server";
import { getPrisma } from "../db/prisma.server";
import { requestCatalogImport } from "../inventory/channel-sync/catalog-requests.server";
import { QueueUnavailableError } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { scheduleReconciliation, unscheduleReconciliation } from "../orders/reconciliation-jobs.server";
import { recordShopProfile, type AdminGraphqlRunner } from "./shop-profile.server";
import { recordInstall, recordTokenHealed, recordUninstall } from "./shop-service.server";

const logger = loggerFor("shop-lifecycle");

/** After a token exchange stored a new offline token: the shop, its channel, its profile, its schedule. */
export async function onTokenExchanged(session: { shop: string; scope?: string }, admin: AdminGraphqlRunner): Promise<void> {
  const db = getPrisma();
  const shop = await recordInstall(db, session.shop, session.scope);
  await recordTokenHealed(db, session.shop);
  try {
    await recordShopProfile(db, session.shop, admin);
  } catch (error) {
    // Not worth failing the install over: the next admin load fills it in.
    logger.warn({ shop: session.shop, err: error }, "could not read shop currency and location");
  }
  try {
    await scheduleReconciliation(shop.id);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shop: session.shop }, "queue unavailable: reconciliation is scheduled on the next admin visit");
  }
  // The shop's SKUs come under Rappit; a failure here never fails the install.
  await requestCatalogImport(shop.id).catch((error: unknown) => logger.warn({ shop: session.shop, err: error }, "catalog import not requested"));
}

/** app/uninstalled: sessions, channels and scheduled jobs of the shop go. Safe to repeat. */
export async function onUninstalled(domain: string) {
  const result = await recordUninstall(getPrisma(), domain);
  if (result.shopId) {
    try {
      await unscheduleReconciliation(result.shopId);
      for (const channelId of result.channelIds) await unscheduleOrderPoll(channelId);
    } catch (error) {
      // A leftover schedule is harmless (the job skips uninstalled shops); the uninstall must not fail.
      logger.warn({ shop: domain, err: error }, "could not remove the shop's schedules");
    }
  }
  return result;
}
