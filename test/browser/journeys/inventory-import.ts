// Upload stock levels for the shop's SKUs: a CSV with bad rows is refused as a whole with the
// rows to fix on the page (and a downloadable report); a good CSV runs as a job, the page
// shows its progress bar until the import is applied, and the table shows the new levels.
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { forShop, getPrisma } from "~/db/prisma.server";
import { appFrame, expectTablesFit, screenshots } from "../support/browser";
import type { Journey } from "./journey";

// Large enough that the worker takes a moment, so the merchant sees the progress bar.
const SKUS = 20_000;
const sku = (i: number) => `SKU-${String(i).padStart(5, "0")}`;
const BAD_CSV = ["sku,available", `${sku(1)},4`, `${sku(2)},-3`, ",5", "NOT-OURS,2"].join("\n");
const GOOD_CSV = ["sku,available", ...Array.from({ length: SKUS }, (_, i) => `${sku(i)},${(i % 50) + 1}`)].join("\n");

export const inventoryImport: Journey = async ({ env, page, shop }) => {
  const shot = screenshots("inventory-import");
  const app = appFrame(page);
  await page.goto(env.host.adminUrlFor(shop, "/app/inventory"));
  await app.getByText("No SKUs yet").waitFor();
  await app.getByText("Add file").waitFor(); // the drop zone draws itself once hydrated
  await shot(page, "empty");
  // The shop's catalog, as "Import catalog from channels" would leave it: every SKU at 0.
  const { id: shopId } = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
  const db = forShop(shopId);
  await db.inventoryItem.createMany({ data: Array.from({ length: SKUS }, (_, i) => ({ shopId, sku: sku(i), title: `Item ${i}`, available: 0 })) });
  await page.reload();
  await app.getByRole("link", { name: sku(0) }).waitFor();

  const upload = async (name: string, content: string) => {
    await app.locator('input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content) });
    await app.getByText(name).waitFor();
    await app.getByRole("button", { name: "Upload and import" }).click();
  };

  await upload("stock-with-errors.csv", BAD_CSV);
  await app.getByText("stock-with-errors.csv: 3 rows to fix. Nothing was changed.").waitFor();
  await app.getByRole("cell", { name: "NOT-OURS" }).waitFor();
  await expectTablesFit(page);
  await shot(page, "error-report");
  const download = page.waitForEvent("download");
  await app.getByRole("button", { name: "Download error report" }).click();
  const report = await readFile(await (await download).path());
  expect(report.toString()).toMatch(/NOT-OURS/);
  expect(await db.inventoryImport.findFirstOrThrow({ where: { fileName: "stock-with-errors.csv" } })).toMatchObject({ status: "REJECTED", errorCount: 3, applied: 0 });
  expect(await db.inventoryItem.count({ where: { available: { gt: 0 } } })).toBe(0);

  await upload("stock.csv", GOOD_CSV);
  await app.getByRole("progressbar").waitFor();
  await app.getByText("Importing stock.csv").waitFor();
  await shot(page, "progress");
  await app.getByText("stock.csv imported").waitFor({ timeout: 60_000 });
  await expectTablesFit(page);
  await shot(page, "imported");

  expect(await db.inventoryImport.findFirstOrThrow({ where: { fileName: "stock.csv" } })).toMatchObject({ status: "APPLIED", rows: SKUS, applied: SKUS, errorCount: 0 });
  expect(await db.inventoryItem.count({ where: { available: 0 } })).toBe(0);
  expect(await db.inventoryItem.findFirstOrThrow({ where: { sku: sku(49) } })).toMatchObject({ available: 50 });
};
