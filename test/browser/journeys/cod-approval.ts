// A cash-on-delivery order from Shopify waits for the owner: the approval email (caught by
// the SMTP catcher) links into the admin; the owner opens it, approves, and the workers buy
// the FedEx label and write tracking back; the order page shows it fulfilled with tracking.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { webhookPayload } from "../../../emulators/shopify/orders";
import { SHIP_FROM } from "../../support/installed-shop";
import { until } from "../../support/until";
import { appFrame, screenshots } from "../support/browser";
import type { Journey } from "./journey";

const LINK = /https:\/\/admin\.shopify\.com\/store\/[^/\s]+\/apps\/[^/\s]+\/app\/approvals\/[0-9a-f-]{36}\?t=[A-Za-z0-9._-]+/;

export const codApproval: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("cod-approval");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop));
  await app.getByRole("heading", { name: "Sales channels" }).waitFor();

  // A shop that can ship: ship-from address, a FedEx account, stock of the ordered SKU.
  const installed = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(installed.id);
  await db.shop.update({ where: { id: installed.id }, data: { shipFrom: SHIP_FROM } });
  const fedex = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: "740561074" };
  env.fedex.state.addAccount(fedex);
  const { addCarrierAccount } = await import("~/carriers/accounts.server");
  const added = await addCarrierAccount(db, { carrier: "FEDEX", environment: "SANDBOX", accountNumber: fedex.accountNumber, credentials: fedex }, { type: "SYSTEM", id: "browser-test" });
  expect(added.ok).toBe(true);
  await db.inventoryItem.create({ data: { shopId: installed.id, sku: "TOTE-1", title: "Canvas tote", available: 5 } });
  // The admin in the local admin host is the shop's owner, the approver the email goes to.
  env.shopify.state.setStaffEmail("1", installed.ownerEmail!, { accountOwner: true });

  const emulated = env.shopify.state.createOrder(shop, { lineItems: [{ id: 9001, sku: "TOTE-1", title: "Canvas tote", quantity: 2, price: "25.00" }] });
  expect((await env.shopify.webhooks.deliver({ topic: "orders/create", shop, payload: webhookPayload(emulated) })).status).toBe(200);

  const mail = await env.smtp.state.waitFor((caught) => caught.envelope.to.includes(installed.ownerEmail!) && (caught.subject ?? "").includes(emulated.name), 30_000);
  const link = (mail.text ?? "").match(LINK)?.[0];
  expect(link, mail.text ?? "").toBeDefined();
  await page.goto(env.host.localAdminUrl(link!));
  await app.getByRole("heading", { name: `Approve order ${emulated.name}` }).waitFor();
  await app.getByText("Canvas tote").first().waitFor();
  await shot(page, "approval-from-email");
  const order = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
  expect(order.status).toBe("PENDING_APPROVAL");

  await app.getByRole("button", { name: "Approve" }).click();
  await app.getByText("Order approved").waitFor();
  await shot(page, "approved");

  const fulfilled = await until(() => db.order.findUniqueOrThrow({ where: { id: order.id } }), (row) => row.status === "FULFILLED", 30_000);
  expect(fulfilled.status).toBe("FULFILLED");
  const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
  expect(shipment.trackingNumber).toBeTruthy();
  expect(JSON.stringify(emulated.fulfillments)).toContain(shipment.trackingNumber!);
  expect(await db.approval.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ status: "APPROVED", decidedByEmail: installed.ownerEmail });

  // From the admin's menu to the order: fulfilled, with the tracking number.
  await page.locator("#app-nav a", { hasText: "Orders" }).click();
  const row = app.getByRole("row", { name: new RegExp(emulated.name) });
  await row.getByText("Fulfilled", { exact: true }).waitFor();
  await shot(page, "orders-list");
  await row.getByRole("link", { name: emulated.name }).click();
  await app.getByText(shipment.trackingNumber!).waitFor();
  await shot(page, "order-fulfilled");
};
