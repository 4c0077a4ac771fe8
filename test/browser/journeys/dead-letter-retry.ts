// A job that failed for good, retried by the merchant: FedEx refuses a prepaid order's label
// (a validation error is not retried blindly), the job lands in the dead letters on
// /app/jobs with FedEx's message and a link to the order; after the fix, Retry fulfills it.
import { expect } from "vitest";
import { webhookPayload } from "../../../emulators/shopify/orders";
import { until } from "../../support/until";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import { readyToShip } from "../support/ready-to-ship";
import type { Journey } from "./journey";

const REFUSAL = "Recipient postal code is invalid for the country.";

export const deadLetterRetry: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("dead-letter-retry");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop, "/app/jobs"));
  await app.getByText("No failed jobs").waitFor();
  const { db } = await readyToShip(env, shop);

  env.fedex.state.faults.rejectShips = { count: 1, code: "RECIPIENTS.POSTALCODE.INVALID", message: REFUSAL };
  const emulated = env.shopify.state.createOrder(shop, { gateways: ["shopify_payments"], financialStatus: "paid" });
  expect((await env.shopify.webhooks.deliver({ topic: "orders/create", shop, payload: webhookPayload(emulated) })).status).toBe(200);
  const order = await until(() => db.order.findFirst({ where: { externalOrderId: String(emulated.id) } }), (row) => row !== null);
  const letter = await until(() => db.deadLetter.findFirst({ where: { orderId: order!.id } }), (row) => row !== null, 30_000);
  expect(letter).toMatchObject({ queue: "fulfillment", status: "OPEN", attempts: 1 });

  await page.reload();
  const row = app.getByRole("row", { name: new RegExp(letter!.jobName) });
  await row.getByText(REFUSAL, { exact: false }).waitFor();
  await row.getByRole("link", { name: "View order" }).waitFor();
  await expectTablesFit(page);
  await shot(page, "dead-letter");

  await row.getByRole("button", { name: "Retry" }).click();
  await app.getByText(`Job ${letter!.jobName} enqueued again on fulfillment`).waitFor();
  await app.getByText("No failed jobs").waitFor();
  await shot(page, "retried");

  const done = await until(() => db.order.findUniqueOrThrow({ where: { id: order!.id } }), (current) => current.status === "FULFILLED", 30_000);
  expect(done.status).toBe("FULFILLED");
  expect(await db.deadLetter.findUniqueOrThrow({ where: { id: letter!.id } })).toMatchObject({ status: "RETRIED" });
  expect(await db.auditLog.count({ where: { action: "JOB_REPLAYED", subjectId: letter!.id } })).toBe(1);
  expect(emulated.fulfillments).toHaveLength(1);
};
