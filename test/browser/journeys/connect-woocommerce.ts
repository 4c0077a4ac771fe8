// Connect WooCommerce: the merchant enters the store's address, the whole admin window goes
// to the store's wc-auth grant page (a top-level redirect through App Bridge), Deny brings
// them back to the denied banner, Approve to a connected store whose keys Rappit keeps
// encrypted.
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const connectWooCommerce: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("connect-woocommerce");
  const app = appFrame(page);
  // A store on loopback has no https; the development switch (WOOCOMMERCE_ALLOW_INSECURE_STORES) and this let it through.
  env.woo.state.allowInsecureCallback = true;

  const startConnect = async () => {
    await app.getByLabel("Store address").fill(env.woo.url);
    await app.getByRole("button", { name: "Connect WooCommerce store" }).click();
    // The grant page fills the whole window, as on a real store.
    await page.waitForURL((url) => url.origin === env.woo.url && url.pathname.startsWith("/wc-auth/v1/"));
    await page.getByRole("link", { name: "Approve" }).waitFor();
  };

  await page.goto(env.host.adminUrlFor(shop, "/app/connections"));
  await app.getByRole("heading", { name: "Connect WooCommerce store" }).waitFor();
  await shot(page, "connections");

  await startConnect();
  await shot(page, "wc-auth-grant-page");
  await page.getByRole("link", { name: "Deny" }).click();
  await page.waitForURL((url) => url.origin === env.host.url);
  await app.getByText("Connection failed: you denied permission").waitFor();
  await shot(page, "denied-banner");
  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(shopId);
  expect(await db.channel.count({ where: { type: "WOOCOMMERCE" } })).toBe(0);

  await startConnect();
  await page.getByRole("link", { name: "Approve" }).click();
  await page.waitForURL((url) => url.origin === env.host.url);
  await app.getByText(`Connected ${env.woo.url}`).waitFor();
  await app.getByText(`WooCommerce: ${new URL(env.woo.url).host}`).waitFor();
  await shot(page, "connected");

  const channel = await db.channel.findFirstOrThrow({ where: { type: "WOOCOMMERCE" } });
  expect(channel).toMatchObject({ status: "CONNECTED", externalId: env.woo.url });
  // The keys the store sent are stored only encrypted.
  const issued = [...env.woo.state.keys.values()].at(-1);
  expect(issued).toBeDefined();
  expect(JSON.stringify(channel.credentials)).not.toContain(issued!.consumerSecret);
};
