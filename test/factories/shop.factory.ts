import { getPrisma } from "~/db/prisma.server";
import { recordInstall, type ShopRecord } from "~/shops/shop-service.server";
import { uniqueShopDomain } from "../support/shops";

/** An installed shop with a unique domain, persisted through the app's own service. */
export function buildShop(overrides: { domain?: string; scopes?: string } = {}): Promise<ShopRecord> {
  return recordInstall(getPrisma(), overrides.domain ?? uniqueShopDomain(), overrides.scopes ?? "read_orders");
}
