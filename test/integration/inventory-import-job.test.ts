import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The page's upload path: queueInventoryImport stores the file and enqueues the job;
// runInventoryImportFile (the registered inventory handler) streams it into the import,
// writing progress, and records APPLIED, REJECTED with the report, or FAILED.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-inventory-import-job-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  bulk: await import("~/inventory/bulk-import/index.server"),
  limits: await import("~/inventory/bulk-import/import-limits"),
  shops: await import("../factories/shop.factory"),
});
let app: Awaited<ReturnType<typeof loadApp>>;

beforeAll(async () => {
  app = await loadApp();
});

afterAll(async () => {
  await app.queues.getQueue("inventory").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

const sku = (n: number) => `SKU-${String(n).padStart(6, "0")}`;

/** `count` items SKU-000001... with available 0, written set-based (test setup, shop-filtered SQL). */
async function seedItems(shopId: string, count: number) {
  await app.db
    .pgPoolOf(app.db.getPrisma())
    .query(`INSERT INTO "InventoryItem" ("shopId", sku) SELECT $1, 'SKU-' || lpad(g::text, 6, '0') FROM generate_series(1, $2) g`, [shopId, count]);
}

function csvOf(count: number, available: (n: number) => number | string) {
  const lines = ["sku,available"];
  for (let n = 1; n <= count; n++) lines.push(`${sku(n)},${available(n)}`);
  return Buffer.from(lines.join("\n"));
}

function record(shopId: string, importId: string) {
  return app.db.forShop(shopId).inventoryImport.findFirstOrThrow({ where: { id: importId } });
}

/** Runs the job as the inventory worker would: through the registered handler. */
function runJob(data: unknown) {
  const handler = app.handlers.jobHandlers.inventory?.[app.bulk.IMPORT_FILE_JOB];
  if (!handler) throw new Error("the import job is not registered on the inventory queue");
  return handler(data, { jobId: "test", attempt: 1, signal: new AbortController().signal });
}

describe("inventory import job", () => {
  it("queues the stored file under a deterministic job id, then applies it with progress: APPLIED, content cleared, a rerun does nothing", async () => {
    const shop = await app.shops.buildShop();
    const rows = 30_000;
    await seedItems(shop.id, rows);
    const db = app.db.forShop(shop.id);
    const { importId } = await app.bulk.queueInventoryImport(db, { fileName: "stock.csv", format: "CSV", content: csvOf(rows, (n) => n % 50), actorEmail: "owner@example.com" });

    const queued = await record(shop.id, importId);
    expect(queued).toMatchObject({ status: "QUEUED", fileName: "stock.csv", format: "CSV", actorEmail: "owner@example.com", processed: 0 });
    expect(queued.content?.length).toBeGreaterThan(0);
    const job = await app.queues.getQueue("inventory").getJob(`import-${importId}`);
    expect(job?.name).toBe(app.bulk.IMPORT_FILE_JOB);
    expect(job?.data).toEqual({ shopId: shop.id, importId });

    // Watch the row while the job runs: the progress bar's view.
    const seen: Array<{ status: string; rows: number; processed: number }> = [];
    let running = true;
    const watching = (async () => {
      while (running) {
        const row = await db.inventoryImport.findFirstOrThrow({ where: { id: importId }, select: { status: true, rows: true, processed: true } });
        seen.push(row);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const result = await runJob(job!.data);
    running = false;
    await watching;

    expect(result).toEqual({ status: "applied", rows, changed: rows - rows / 50 });
    const done = await record(shop.id, importId);
    expect(done).toMatchObject({ status: "APPLIED", rows, processed: rows, applied: rows - rows / 50, errorCount: 0, content: null, error: null });
    // RUNNING knew the total from the start, and progress only went forward.
    const runningRows = seen.filter((row) => row.status === "RUNNING");
    expect(runningRows.length).toBeGreaterThan(0);
    expect(runningRows.every((row) => row.rows === rows)).toBe(true);
    const progress = seen.map((row) => row.processed);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(runningRows.some((row) => row.processed > 0 && row.processed < rows)).toBe(true);

    const levels = await db.inventoryItem.findMany({ where: { sku: { in: [sku(1), sku(50), sku(29_999)] } }, orderBy: { sku: "asc" }, select: { sku: true, available: true } });
    expect(levels).toEqual([
      { sku: sku(1), available: 1 },
      { sku: sku(50), available: 0 },
      { sku: sku(29_999), available: 49 },
    ]);
    expect(await db.inventoryMovement.count({ where: { reference: importId, reason: "IMPORT", actorEmail: "owner@example.com" } })).toBe(rows - rows / 50);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "INVENTORY_IMPORTED", subjectId: importId } });
    expect(audit).toMatchObject({ actorType: "USER", actorEmail: "owner@example.com" });

    expect(await runJob(job!.data)).toEqual({ skipped: "already applied" });
    expect(await db.inventoryMovement.count({ where: { reference: importId } })).toBe(rows - rows / 50);
  });

  it("a file with bad rows: REJECTED with every error stored by line, nothing applied", async () => {
    const shop = await app.shops.buildShop();
    await seedItems(shop.id, 5);
    const db = app.db.forShop(shop.id);
    const content = Buffer.from(JSON.stringify([
      { sku: sku(1), available: 3 },
      { sku: sku(2), available: -3 },
      { sku: "UNKNOWN", available: 3 },
      { sku: sku(1), available: 4 },
    ]));
    const { importId } = await app.bulk.queueInventoryImport(db, { fileName: "stock.json", format: "JSON", content, actorEmail: null });
    expect(await runJob({ shopId: shop.id, importId })).toEqual({ status: "rejected", rows: 4, errorCount: 3 });

    const done = await record(shop.id, importId);
    expect(done).toMatchObject({ status: "REJECTED", rows: 4, processed: 4, applied: 0, errorCount: 3, content: null });
    expect(done.errors).toEqual([
      { line: 2, sku: sku(2), reason: "available must be a whole number of 0 or more (got -3)" },
      { line: 3, sku: "UNKNOWN", reason: "unknown SKU: this shop has no inventory item with this SKU" },
      { line: 4, sku: sku(1), reason: "duplicate of line 1" },
    ]);
    expect(await db.inventoryItem.aggregate({ _sum: { available: true } })).toEqual({ _sum: { available: 0 } });
    expect(await db.inventoryMovement.count()).toBe(0);
  });

  it("keeps the first 10,000 errors on the row and the full count", async () => {
    const shop = await app.shops.buildShop();
    const db = app.db.forShop(shop.id);
    const bad = app.limits.STORED_ERRORS + 5;
    const { importId } = await app.bulk.queueInventoryImport(db, { fileName: null, format: "CSV", content: csvOf(bad, () => 1), actorEmail: null });
    expect(await runJob({ shopId: shop.id, importId })).toEqual({ status: "rejected", rows: bad, errorCount: bad });
    const done = await record(shop.id, importId);
    const errors = done.errors as Array<{ line: number }>;
    expect(done.errorCount).toBe(bad);
    expect(errors).toHaveLength(app.limits.STORED_ERRORS);
    expect(errors[0].line).toBe(2);
    expect(errors.at(-1)!.line).toBe(app.limits.STORED_ERRORS + 1);
  });

  it("an unreadable file: FAILED with the message, content cleared, the job itself succeeds (no retry reads it better)", async () => {
    const shop = await app.shops.buildShop();
    await seedItems(shop.id, 1);
    const db = app.db.forShop(shop.id);
    const { importId } = await app.bulk.queueInventoryImport(db, { fileName: "broken.csv", format: "CSV", content: Buffer.from('sku,available\nSKU-000001,"4\n'), actorEmail: null });
    const result = (await runJob({ shopId: shop.id, importId })) as { status: string; error: string };
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/not valid CSV/);
    expect(await record(shop.id, importId)).toMatchObject({ status: "FAILED", error: result.error, content: null });
    expect(await runJob({ shopId: shop.id, importId })).toEqual({ skipped: "no file content (already failed)" });
    expect(await db.inventoryItem.findFirst({ select: { available: true } })).toEqual({ available: 0 });
  });

  it("refuses a stored file over the size limit, bad job data, and imports of an uninstalled shop", async () => {
    const shop = await app.shops.buildShop();
    const db = app.db.forShop(shop.id);
    await expect(
      app.bulk.queueInventoryImport(db, { fileName: "huge.csv", format: "CSV", content: Buffer.alloc(app.limits.MAX_IMPORT_BYTES + 1), actorEmail: null }),
    ).rejects.toBeInstanceOf(app.bulk.FileTooLargeError);
    expect(await db.inventoryImport.count()).toBe(0);
    await expect(runJob({ shopId: shop.id })).rejects.toThrow();

    await seedItems(shop.id, 1);
    const { importId } = await app.bulk.queueInventoryImport(db, { fileName: null, format: "CSV", content: csvOf(1, () => 9), actorEmail: null });
    await app.db.getPrisma().shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
    expect(await runJob({ shopId: shop.id, importId })).toEqual({ skipped: "shop not installed" });
    expect(await record(shop.id, importId)).toMatchObject({ status: "QUEUED" });
  });

  it("another shop's id in the job data finds nothing: an import belongs to its shop", async () => {
    const [shop, other] = await Promise.all([app.shops.buildShop(), app.shops.buildShop()]);
    await seedItems(shop.id, 1);
    const { importId } = await app.bulk.queueInventoryImport(app.db.forShop(shop.id), { fileName: null, format: "CSV", content: csvOf(1, () => 9), actorEmail: null });
    expect(await runJob({ shopId: other.id, importId })).toEqual({ skipped: "import not found" });
    expect(await record(shop.id, importId)).toMatchObject({ status: "QUEUED" });
  });
});
