// Install → home: the merchant opens Rappit from the admin for the first time. The app
// exchanges the session token for an offline token at the Shopify emulator and the home
// page shows the setup steps: the Shopify channel, connect WooCommerce, add a carrier.
import { expect } from "vitest";
import { getPrisma } from "~/db/prisma.server";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const install: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("install");
  await page.goto(env.host.adminUrlFor(shop));
  const app = appFrame(page);
  await app.getByRole("heading", { name: "Sales channels" }).waitFor();
  await app.getByText(shop).first().waitFor();
  await app.getByText("Sell on WooCommerce too?").waitFor();
  await app.getByText("Add a carrier account").waitFor();
  // The admin shows the app's own menu and title, declared through App Bridge.
  await expect.poll(() => page.locator("#app-nav a").allTextContents()).toContain("Orders");
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Rappit");
  await shot(page, "home");

  const db = getPrisma();
  const row = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  expect(row.uninstalledAt).toBeNull();
  expect(await db.session.count({ where: { shop } })).toBe(1);
  expect(await db.channel.count({ where: { shopId: row.id, type: "SHOPIFY" } })).toBe(1);
  // Token exchange reached the store: the emulator granted the offline token Rappit stored.
  expect(env.shopify.state.shops.get(shop)).toBeDefined();

  // The admin's menu drives the app's router.
  await page.locator("#app-nav a", { hasText: "Carriers" }).click();
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Carriers");
  await expect.poll(() => new URL(page.url()).pathname).toMatch(/\/apps\/rappit\/app\/carriers$/);
  await shot(page, "carriers-from-menu");
};
