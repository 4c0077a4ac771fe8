// What the home page shows: the shop, its sales channels and its carrier accounts.
import type { Database } from "../db/prisma.server";
import { findShop, recordInstall, type ShopRecord } from "./shop-service.server";

export interface ChannelSummary {
  type: "SHOPIFY" | "WOOCOMMERCE";
  name: string;
  status: "CONNECTED" | "NEEDS_REAUTH" | "ERROR" | "DISCONNECTED";
}

export interface CarrierSummary {
  carrier: "FEDEX" | "DHL";
  name: string;
  status: "CONNECTED" | "NEEDS_REAUTH" | "ERROR" | "DISCONNECTED";
}

export interface SetupOverview {
  shop: ShopRecord;
  channels: ChannelSummary[];
  carriers: CarrierSummary[];
}

export async function getSetupOverview(
  db: Database,
  domain: string,
  grantedScope: string | undefined,
): Promise<SetupOverview> {
  // The Shop row normally exists from install (afterAuth); create it if an older install lacks it.
  const shop = (await findShop(db, domain)) ?? (await recordInstall(db, domain, grantedScope));
  // The shop itself is always a connected channel; WooCommerce stores and carrier
  // accounts join these lists as they are connected from settings.
  return {
    shop,
    channels: [{ type: "SHOPIFY", name: shop.domain, status: "CONNECTED" }],
    carriers: [],
  };
}
