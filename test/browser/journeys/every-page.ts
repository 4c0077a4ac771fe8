// Every page of the app's menu, opened from the admin's sidebar on a fresh shop: each renders
// as an admin page (its title in the admin's title bar, its tables within their cards, no
// error page) and looking changes nothing in the shop's data.
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import type { Journey } from "./journey";

// Menu label → the title the page gives the admin's title bar.
const PAGES: Array<[string, string]> = [
  ["Orders", "Orders"],
  ["Approvals", "Approvals"],
  ["Inventory", "Inventory"],
  ["Connections", "Connections"],
  ["Carriers", "Carriers"],
  ["Messages", "Messages"],
  ["Jobs", "Jobs"],
  ["Activity", "Activity"],
  ["Data requests", "Data requests"],
  ["Settings", "Settings"],
];

export const everyPage: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("every-page");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop));
  await app.getByRole("heading", { name: "Set up Rappit" }).waitFor();
  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(shopId);
  const before = await Promise.all([db.auditLog.count(), db.order.count(), db.channel.count(), db.shippingAccount.count()]);

  const menu = await page.locator("#app-nav a").allTextContents();
  expect(menu).toEqual(PAGES.map(([label]) => label));
  for (const [label, title] of PAGES) {
    await page.locator("#app-nav a", { hasText: label }).click();
    await expect.poll(() => page.locator("#app-title").textContent()).toBe(title);
    await page.locator("#app-nav a[aria-current=page]", { hasText: label }).waitFor();
    // A Polaris page, not Remix's or the browser's error page.
    await app.locator(".Polaris-Page").waitFor();
    expect(await app.getByText(/Application Error|Unexpected Server Error/).count()).toBe(0);
    await expectTablesFit(page);
    await shot(page, label.toLowerCase().replace(/\s+/g, "-"));
  }

  expect(await Promise.all([db.auditLog.count(), db.order.count(), db.channel.count(), db.shippingAccount.count()])).toEqual(before);
};
