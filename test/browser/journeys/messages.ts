// Messages: the shop's emails and WhatsApp messages with recipients masked; the filters
// narrow the list (and the admin's address keeps them), and Export CSV downloads exactly
// the filtered rows, masked too.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import type { Journey } from "./journey";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export const messages: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("messages");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop, "/app/messages"));
  await app.getByText("No messages yet").waitFor();

  // What a day of COD orders leaves behind: approval emails, buyer WhatsApp messages, one failure.
  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(shopId);
  const row = (channel: string, template: string, recipient: string, status: string, minutes: number, error: string | null = null) => ({
    shopId, channel, template, recipient, status, error, content: {}, dedupeKey: randomUUID(), attempts: status === "FAILED" ? 3 : 1,
    provider: channel === "EMAIL" ? "SMTP" : "WHATSAPP", createdAt: minutesAgo(minutes),
  });
  await db.messageLog.createMany({
    data: [
      row("EMAIL", "approval-request", "owner@north-wind.example", "SENT", 50),
      row("WHATSAPP", "order-approved", "+15555550111", "DELIVERED", 40),
      row("EMAIL", "approval-request", "owner@north-wind.example", "SENT", 30),
      row("WHATSAPP", "order-approved", "+15555550122", "READ", 20),
      row("WHATSAPP", "order-shipped", "+15555550133", "FAILED", 10, "(#131026) Message undeliverable: the number is not on WhatsApp"),
    ],
  });
  await page.reload();
  await app.getByRole("row").nth(5).waitFor();
  expect(await app.getByText("+1 ••• ••• 0133").count()).toBe(1);
  expect(await app.getByText("+15555550133").count()).toBe(0);
  await expectTablesFit(page);
  await shot(page, "all");

  await app.getByLabel("Channel").selectOption("WHATSAPP");
  await expect.poll(() => app.getByRole("row").count()).toBe(4); // header + 3
  await app.getByLabel("Status").selectOption("FAILED");
  await expect.poll(() => app.getByRole("row").count()).toBe(2);
  await app.getByText("Message undeliverable").waitFor();
  // Resend sits on the card, not scrolled off its right edge by the error text.
  const resend = await app.getByRole("button", { name: "Resend" }).boundingBox();
  const frame = await page.locator("#app-frame").boundingBox();
  expect(resend!.x + resend!.width).toBeLessThanOrEqual(frame!.x + frame!.width);
  // The admin's own address keeps the filters, like any admin page.
  await expect.poll(() => new URL(page.url()).search).toMatch(/channel=WHATSAPP.*status=FAILED|status=FAILED.*channel=WHATSAPP/);
  await expectTablesFit(page);
  await shot(page, "filtered");

  const download = page.waitForEvent("download");
  await app.getByRole("button", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^messages-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile(await file.path())).toString().trim().split(/\r?\n/);
  const matching = await db.messageLog.count({ where: { channel: "WHATSAPP", status: "FAILED" } });
  expect(lines).toHaveLength(1 + matching);
  expect(lines[0]).toMatch(/^created,/);
  expect(lines[1]).toContain("+1 ••• ••• 0133");
  expect(lines.join("\n")).not.toContain("5555550133");
};
