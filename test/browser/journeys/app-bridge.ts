// The App Bridge stand-in's contract, seen from the app's page: shopify.idToken() gives a
// token Shopify's checks accept for this shop, a toast shows in the admin, a document load
// without a token goes through the library's bounce page and comes back authenticated, and
// window.open(url, "_top") moves the whole admin window.
import { expect } from "vitest";
import { verifySessionToken } from "../../../emulators/shopify/session-token";
import { hostParam } from "../../../server/admin-host/admin-urls";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const appBridge: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("app-bridge");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop));
  await app.getByRole("heading", { name: "Set up Rappit" }).waitFor();
  const frame = page.frame({ name: "app-iframe" })!;

  const token = await frame.evaluate(() => window.shopify.idToken());
  const claims = verifySessionToken(token, process.env.SHOPIFY_API_KEY!, process.env.SHOPIFY_API_SECRET!);
  expect(claims).toMatchObject({ dest: `https://${shop}`, iss: `https://${shop}/admin`, sub: "1" });

  await frame.evaluate(() => window.shopify.toast.show("Label bought"));
  await page.locator("#admin-toasts").getByText("Label bought").waitFor();
  await shot(page, "toast");

  // An address without id_token (a bookmark inside the iframe): bounce page, new token, the page.
  const bare = new URL("/app/orders", env.appUrl);
  bare.search = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop) }).toString();
  await frame.goto(bare.href);
  await app.getByRole("heading", { name: "Orders" }).waitFor();
  expect(new URL(frame.url()).searchParams.get("id_token")).toBeTruthy();
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Orders");

  // A top-level redirect from the app (the library's exit-iframe does this) moves the admin itself.
  await frame.evaluate((url) => void window.open(url, "_top"), `https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/apps/rappit/app/activity`);
  await page.waitForURL((url) => url.origin === env.host.url && url.pathname.endsWith("/app/activity"));
  await expect.poll(() => page.locator("#app-title").textContent()).toBe("Activity");
};
