// A shop installed the way a merchant installs it: the home page's loader runs with a
// session token and exchanges it for an offline token at the Shopify emulator, so the
// shop's Admin API calls work there. Carrier accounts are connected through the Carriers
// page's own code, with credentials the FedEx emulator knows.
// App modules are imported inside the functions: test files set the emulator origins in
// process.env before any app module loads.
import { randomBytes, randomUUID } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { expect } from "vitest";
import type { ShopDatabase } from "~/db/prisma.server";
import type { DhlState } from "../../emulators/dhl/server";
import type { CarrierEmulator, FedexState } from "../../emulators/fedex/server";
import type { ShopifyEmulator } from "../../emulators/shopify/server";
import type { WooCommerceEmulator } from "../../emulators/woocommerce/server";

export const SHIP_FROM = { name: "Rappit Store", phone: "9015550100", address1: "10 Main St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" };

/** Installs a new shop (`<prefix>-<random>.myshopify.com`) through token exchange. */
export async function installShop(shopify: ShopifyEmulator, prefix = "test") {
  const { forShop, getPrisma } = await import("~/db/prisma.server");
  const home = await import("~/routes/app._index");
  const domain = `${prefix}-${randomBytes(4).toString("hex")}.myshopify.com`;
  shopify.state.addShop(domain);
  const request = await setUpValidRequest(
    { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}/app`),
  );
  await home.loader({ request, params: {}, context: {} });
  const shop = await getPrisma().shop.findUniqueOrThrow({ where: { domain } });
  return { shop, db: forShop(shop.id), domain };
}

/** Connects a FedEx sandbox account the emulator accepts; it is the default when it is the shop's first. */
export async function connectFedex(fedex: CarrierEmulator<FedexState>, db: ShopDatabase, accountNumber?: string) {
  const { addCarrierAccount } = await import("~/carriers/accounts.server");
  const credentials = {
    clientId: `l7${randomBytes(6).toString("hex")}`,
    clientSecret: randomBytes(12).toString("hex"),
    accountNumber: accountNumber ?? String(700_000_000 + Math.floor(Math.random() * 99_999_999)),
  };
  fedex.state.addAccount(credentials);
  const added = await addCarrierAccount(
    db,
    { carrier: "FEDEX", environment: "SANDBOX", accountNumber: credentials.accountNumber, credentials: { clientId: credentials.clientId, clientSecret: credentials.clientSecret } },
    { type: "SYSTEM", id: "test" },
  );
  expect(added.ok).toBe(true);
  const account = await db.shippingAccount.findFirstOrThrow({ where: { accountNumber: credentials.accountNumber } });
  return { account, clientId: credentials.clientId };
}

/** An installed shop that can ship: a ship-from address and a FedEx account. */
export async function installShopWithFedex(shopify: ShopifyEmulator, fedex: CarrierEmulator<FedexState>, prefix = "test") {
  const installed = await installShop(shopify, prefix);
  await installed.db.shop.update({ where: { id: installed.shop.id }, data: { shipFrom: SHIP_FROM } });
  await connectFedex(fedex, installed.db);
  return installed;
}

/** Connects a DHL eCommerce sandbox account the emulator accepts. */
export async function connectDhl(dhl: CarrierEmulator<DhlState>, db: ShopDatabase) {
  const { addCarrierAccount } = await import("~/carriers/accounts.server");
  const credentials = { clientId: `dhl${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), pickup: String(5_000_000 + Math.floor(Math.random() * 999_999)) };
  dhl.state.addAccount(credentials);
  const added = await addCarrierAccount(
    db,
    { carrier: "DHL_ECOMMERCE", environment: "SANDBOX", accountNumber: credentials.pickup, credentials: { clientId: credentials.clientId, clientSecret: credentials.clientSecret, distributionCenter: "USATL1" } },
    { type: "SYSTEM", id: "test" },
  );
  expect(added.ok).toBe(true);
}

/** A WooCommerce channel on the emulator's store with read/write keys, as wc-auth would leave it. */
export async function connectWooStore(woo: WooCommerceEmulator, db: ShopDatabase): Promise<string> {
  const { sealCredentials } = await import("~/channels/woocommerce/credentials.server");
  const key = woo.state.issueKey({ permissions: "read_write" });
  const channelId = randomUUID();
  await db.channel.create({
    data: {
      id: channelId,
      shopId: db.$shopId(),
      type: "WOOCOMMERCE",
      externalId: woo.url,
      name: "woo",
      credentials: sealCredentials(channelId, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret }),
    },
  });
  return channelId;
}
