// Add a FedEx account: credentials FedEx refuses leave a critical banner and nothing stored;
// the right ones connect the account (tested against FedEx's OAuth), shown as the default.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

export const addFedex: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("add-fedex");
  const app = appFrame(page);
  const credentials = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: "740561073" };
  env.fedex.state.addAccount(credentials);

  await page.goto(env.host.adminUrlFor(shop, "/app/carriers"));
  await app.getByText("No carrier account yet.").waitFor();
  const submit = async (secret: string) => {
    await app.getByLabel("API key", { exact: true }).fill(credentials.clientId);
    await app.getByLabel("Secret key", { exact: true }).fill(secret);
    await app.getByLabel("FedEx account number").fill(credentials.accountNumber);
    await app.getByRole("button", { name: "Connect and test" }).click();
  };

  await submit("not-the-secret");
  await app.getByText("FedEx refused the credentials").waitFor();
  await shot(page, "bad-credentials");
  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(shopId);
  expect(await db.shippingAccount.count()).toBe(0);

  await submit(credentials.clientSecret);
  await app.getByText("FedEx account connected.").waitFor();
  await app.getByText("Default", { exact: true }).waitFor();
  // The add form starts over: the credentials just sent do not stay on the page.
  await expect.poll(() => app.getByLabel("Secret key", { exact: true }).inputValue()).toBe("");
  expect(await app.getByLabel("API key", { exact: true }).inputValue()).toBe("");
  await shot(page, "connected");
  const account = await db.shippingAccount.findFirstOrThrow();
  expect(account).toMatchObject({ carrier: "FEDEX", environment: "SANDBOX", accountNumber: credentials.accountNumber, status: "CONNECTED", isDefault: true });
  expect(JSON.stringify(account)).not.toContain(credentials.clientSecret);
};
