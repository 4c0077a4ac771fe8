// A shop installed the way a merchant installs it: the home page's loader runs with a
// session token and exchanges it for an offline token at the Shopify emulator, so the
// shop's Admin API calls work there. Carrier accounts are connected through the Carriers
// page's own code, with credentials the FedEx emulator knows.
// App modules are imported inside the functions: test files set the emulator origins in
// process.env before any app module loads.
import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { expect } from "vitest";
import type { ShopDatabase } from "~/db/prisma.server";
import type { CarrierEmulator, FedexState } from "../../emulators/fedex/server";
import type { ShopifyEmulator } from "../../emulators/shopify/server";

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
