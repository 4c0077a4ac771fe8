// A shop the merchant has set up to ship, arranged directly (the Carriers journey covers the
// form): a ship-from address and a FedEx sandbox account the emulator knows.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { forShop, getPrisma, type ShopDatabase } from "~/db/prisma.server";
import { SHIP_FROM } from "../../support/installed-shop";
import type { BrowserEnvironment } from "./environment";

export async function readyToShip(env: BrowserEnvironment, shop: string): Promise<{ shopId: string; ownerEmail: string; db: ShopDatabase }> {
  const installed = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(installed.id);
  await db.shop.update({ where: { id: installed.id }, data: { shipFrom: SHIP_FROM } });
  const fedex = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: String(700_000_000 + Math.floor(Math.random() * 99_999_999)) };
  env.fedex.state.addAccount(fedex);
  const { addCarrierAccount } = await import("~/carriers/accounts.server");
  const added = await addCarrierAccount(db, { carrier: "FEDEX", environment: "SANDBOX", accountNumber: fedex.accountNumber, credentials: fedex }, { type: "SYSTEM", id: "browser-test" });
  expect(added.ok).toBe(true);
  return { shopId: installed.id, ownerEmail: installed.ownerEmail!, db };
}
