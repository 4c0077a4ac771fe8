// A cash-on-delivery order from Shopify waits for the owner: the approval email (caught by
// the SMTP catcher) links into the admin; the owner opens it, approves, and the workers buy
// the FedEx label and write tracking back; the order page shows it fulfilled with tracking.
import { expect } from "vitest";
import { webhookPayload } from "../../../emulators/shopify/orders";
import { until } from "../../support/until";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import { readyToShip } from "../support/ready-to-ship";
import type { Journey } from "./journey";

const LINK = /https:\/\/admin\.shopify\.com\/store\/[^/\s]+\/apps\/[^/\s]+\/app\/approvals\/[0-9a-f-]{36}\?t=[A-Za-z0-9._-]+/;

export const codApproval: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("cod-approval");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop));
  await app.getByRole("heading", { name: "Sales channels" }).waitFor();

  // A shop that can ship, with stock of the ordered SKU.
  const { shopId, ownerEmail, db } = await readyToShip(env, shop);
  await db.inventoryItem.create({ data: { shopId, sku: "TOTE-1", title: "Canvas tote", available: 5 } });
  // The admin in the local admin host is the shop's owner, the approver the email goes to.
  env.shopify.state.setStaffEmail("1", ownerEmail, { accountOwner: true });

  const emulated = env.shopify.state.createOrder(shop, { lineItems: [{ id: 9001, sku: "TOTE-1", title: "Canvas tote", quantity: 2, price: "25.00" }] });
  expect((await env.shopify.webhooks.deliver({ topic: "orders/create", shop, payload: webhookPayload(emulated) })).status).toBe(200);

  const mail = await env.smtp.state.waitFor((caught) => caught.envelope.to.includes(ownerEmail) && (caught.subject ?? "").includes(emulated.name), 30_000);
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
  // One banner says what happened: no "Already approved" next to this admin's own decision.
  expect(await app.getByText("Already approved").count()).toBe(0);
  await shot(page, "approved");

  const fulfilled = await until(() => db.order.findUniqueOrThrow({ where: { id: order.id } }), (row) => row.status === "FULFILLED", 30_000);
  expect(fulfilled.status).toBe("FULFILLED");
  const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
  expect(shipment.trackingNumber).toBeTruthy();
  expect(JSON.stringify(emulated.fulfillments)).toContain(shipment.trackingNumber!);
  expect(await db.approval.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ status: "APPROVED", decidedByEmail: ownerEmail });

  // From the admin's menu to the order: fulfilled, with the tracking number.
  await page.locator("#app-nav a", { hasText: "Orders" }).click();
  const row = app.getByRole("row", { name: new RegExp(emulated.name) });
  await row.getByText("Fulfilled", { exact: true }).waitFor();
  await expectTablesFit(page);
  await shot(page, "orders-list");
  await row.getByRole("link", { name: emulated.name }).click();
  await app.getByText(shipment.trackingNumber!).waitFor();
  await shot(page, "order-fulfilled");
};
