// What the home page shows: the shop, its sales channels and its carrier accounts.
import type { Database } from "../db/prisma.server";
import { shopOfSession } from "./current-shop.server";
import type { ShopRecord } from "./shop-service.server";

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
  const shop = await shopOfSession(db, { shop: domain, scope: grantedScope });
  // The shop itself is always a connected channel; WooCommerce stores and carrier
  // accounts join these lists as they are connected from settings.
  return {
    shop,
    channels: [{ type: "SHOPIFY", name: shop.domain, status: "CONNECTED" }],
    carriers: [],
  };
}
