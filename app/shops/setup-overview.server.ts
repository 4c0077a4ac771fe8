// What the home page shows: the shop, its sales channels and its carrier accounts.
import { forShop, type Database } from "../db/prisma.server";
import { shopOfSession } from "./current-shop.server";
import type { ShopRecord } from "./shop-service.server";

export interface ChannelSummary {
  type: "SHOPIFY" | "WOOCOMMERCE";
  name: string;
  status: "CONNECTED" | "NEEDS_REAUTH" | "ERROR" | "DISCONNECTED";
}

export interface CarrierSummary {
  carrier: "FEDEX" | "DHL_ECOMMERCE";
  name: string;
  status: "CONNECTED" | "NEEDS_REAUTH" | "ERROR" | "DISCONNECTED";
}

export interface SetupOverview {
  shop: ShopRecord;
  channels: ChannelSummary[];
  carriers: CarrierSummary[];
  /** Labels need a ship-from address (set on the Carriers page). */
  shipFromSet: boolean;
}

export async function getSetupOverview(
  db: Database,
  domain: string,
  grantedScope: string | undefined,
): Promise<SetupOverview> {
  const shop = await shopOfSession(db, { shop: domain, scope: grantedScope });
  const channels = await forShop(shop.id, db).channel.findMany({
    orderBy: [{ type: "asc" }, { createdAt: "asc" }],
    select: { type: true, name: true, status: true },
  });
  const accounts = await forShop(shop.id, db).shippingAccount.findMany({
    where: { status: { not: "DISCONNECTED" } },
    orderBy: { createdAt: "asc" },
    select: { carrier: true, name: true, status: true },
  });
  const profile = await forShop(shop.id, db).shop.findUnique({ where: { id: shop.id }, select: { shipFrom: true } });
  return {
    shop,
    channels: channels.map((channel) => ({
      type: channel.type as ChannelSummary["type"],
      name: channel.name,
      status: channel.status as ChannelSummary["status"],
    })),
    carriers: accounts.map((account) => ({
      carrier: account.carrier as CarrierSummary["carrier"],
      name: account.name,
      status: account.status as CarrierSummary["status"],
    })),
    shipFromSet: profile?.shipFrom !== null && profile?.shipFrom !== undefined,
  };
}
