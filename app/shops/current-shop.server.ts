// The Shop row behind an authenticated admin request.
import type { Database } from "../db/prisma.server";
import { setContextShop } from "../logging/request-context.server";
import { findShop, recordInstall, type ShopRecord } from "./shop-service.server";

/**
 * The shop of an admin session. The row normally exists from install (afterAuth);
 * an install that predates it gets it now, so every admin page can rely on it.
 */
export async function shopOfSession(
  db: Database,
  session: { shop: string; scope?: string },
): Promise<ShopRecord> {
  // From here on the request's log lines (and the jobs it enqueues) name the shop.
  setContextShop(session.shop);
  return (await findShop(db, session.shop)) ?? (await recordInstall(db, session.shop, session.scope));
}
