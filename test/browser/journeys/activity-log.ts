// Activity: what the merchant did shows up in the shop's audit trail. Connecting and then
// disconnecting a FedEx account on /app/carriers leaves two events by this admin; the
// Action filter narrows the list to one.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const activityLog: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("activity-log");
  const app = appFrame(page);
  const credentials = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: "740561075" };
  env.fedex.state.addAccount(credentials);

  await page.goto(env.host.adminUrlFor(shop, "/app/carriers"));
  await app.getByLabel("API key", { exact: true }).fill(credentials.clientId);
  await app.getByLabel("Secret key", { exact: true }).fill(credentials.clientSecret);
  await app.getByLabel("FedEx account number").fill(credentials.accountNumber);
  await app.getByRole("button", { name: "Connect and test" }).click();
  await app.getByText("FedEx account connected.").waitFor();
  await app.getByRole("button", { name: "Disconnect" }).click();
  await app.getByText("No carrier account yet.").waitFor();

  await page.locator("#app-nav a", { hasText: "Activity" }).click();
  await page.locator("#app-title", { hasText: "Activity" }).waitFor();
  const connected = app.getByRole("row", { name: /Carrier connected/ });
  const disconnected = app.getByRole("row", { name: /Carrier disconnected/ });
  await connected.waitFor();
  await disconnected.waitFor();
  await expect.poll(() => connected.textContent()).toContain("User 1");
  await expectTablesFit(page);
  await shot(page, "all-events");

  await app.getByLabel("Action").selectOption("CARRIER_DISCONNECTED");
  await expect.poll(() => app.getByRole("row").count()).toBe(2); // header + the one event
  await disconnected.waitFor();
  await expect.poll(() => new URL(page.url()).search).toContain("action=CARRIER_DISCONNECTED");
  await shot(page, "filtered");

  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const audit = await forShop(shopId).auditLog.findMany({ where: { action: { in: ["CARRIER_CONNECTED", "CARRIER_DISCONNECTED"] } }, orderBy: { createdAt: "asc" } });
  expect(audit.map((row) => [row.action, row.actorType, row.actorId])).toEqual([
    ["CARRIER_CONNECTED", "USER", "1"],
    ["CARRIER_DISCONNECTED", "USER", "1"],
  ]);
  // The trail never holds the secret the merchant typed.
  expect(JSON.stringify(audit)).not.toContain(credentials.clientSecret);
};
