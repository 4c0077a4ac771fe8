// Install → home: the merchant opens Rappit from the admin for the first time. The app
// exchanges the session token for an offline token at the Shopify emulator, and home shows
// the setup checklist (installed, then carrier account and ship-from address to go). The
// checklist's "Set address" step is followed through the Carriers page and back home.
import { expect } from "vitest";
import { getPrisma } from "~/db/prisma.server";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const install: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("install");
  await page.goto(env.host.adminUrlFor(shop));
  const app = appFrame(page);
  await app.getByRole("heading", { name: "Set up Rappit" }).waitFor();
  await app.getByText("1 of 3 steps done").waitFor();
  await app.getByRole("link", { name: "Add FedEx or DHL account" }).waitFor();
  await app.getByRole("link", { name: "Connect a WooCommerce store" }).waitFor();
  await app.getByRole("heading", { name: "Sales channels" }).waitFor();
  await app.getByText(shop).first().waitFor();
  // The admin shows the app's own menu and title, declared through App Bridge.
  await expect.poll(() => page.locator("#app-nav a").allTextContents()).toContain("Orders");
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Rappit");
  await shot(page, "home-checklist");

  const db = getPrisma();
  const row = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  expect(row.uninstalledAt).toBeNull();
  expect(row.shipFrom).toBeNull();
  expect(await db.session.count({ where: { shop } })).toBe(1);
  expect(await db.channel.count({ where: { shopId: row.id, type: "SHOPIFY" } })).toBe(1);
  expect(env.shopify.state.shops.get(shop)).toBeDefined();

  // A checklist step opens its page inside the app; the admin's title and address follow.
  await app.getByRole("link", { name: "Set address" }).click();
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Carriers");
  await expect.poll(() => new URL(page.url()).pathname).toMatch(/\/apps\/rappit\/app\/carriers$/);
  await app.getByLabel("Sender name").fill("North Wind Goods");
  await app.getByLabel("Phone").fill("9015550100");
  await app.getByLabel("Address", { exact: true }).fill("10 Main St");
  await app.getByLabel("City").fill("Memphis");
  await app.getByLabel("State or province code").fill("TN");
  await app.getByLabel("Postal code").fill("38116");
  await app.getByLabel("Country code").fill("US");
  await app.getByRole("button", { name: "Save", exact: true }).last().click();
  await app.getByText("Ship-from address saved.").waitFor();
  await shot(page, "ship-from-saved");
  expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).shipFrom).toMatchObject({ name: "North Wind Goods", city: "Memphis", countryCode: "US" });

  // Back home through the admin's app link: one step fewer to go.
  await page.locator("#app-home").click();
  await app.getByText("2 of 3 steps done").waitFor();
  await shot(page, "home-after-ship-from");
};
