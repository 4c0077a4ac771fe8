import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-inventory-pages-${randomBytes(3).toString("hex")}`;

const { disconnectPrisma, forShop } = await import("~/db/prisma.server");
const { closeQueues, getQueue } = await import("~/jobs/queues.server");
const { closeProducerRedis } = await import("~/jobs/redis.server");
const { runInventoryImportFile } = await import("~/inventory/bulk-import/index.server");
const { action: listAction, loader: listLoader } = await import("~/routes/app.inventory._index");
const { action: itemAction, loader: itemLoader } = await import("~/routes/app.inventory.$id");
const { loader: errorsLoader } = await import("~/routes/app.inventory.imports.$id.errors");
const { buildShop } = await import("../factories/shop.factory");
const { adminRequest, settle } = await import("../support/admin-requests");

afterAll(async () => {
  await getQueue("inventory").obliterate({ force: true });
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

type RouteFn = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(fn: unknown, shop: string, path: string, init?: RequestInit, params: Record<string, string> = {}) {
  return settle(async () => (fn as RouteFn)({ request: await adminRequest(shop, path, init), params, context: {} }));
}

async function shopWithStock(levels: Record<string, number>) {
  const shop = await buildShop();
  const db = forShop(shop.id);
  for (const [sku, available] of Object.entries(levels)) await db.inventoryItem.create({ data: { shopId: shop.id, sku, title: `Title ${sku}`, available } });
  return { shop, db };
}

function upload(name: string, content: string, type: string): RequestInit {
  const form = new FormData();
  form.set("file", new File([content], name, { type }));
  return { method: "POST", body: form };
}

describe("/app/inventory", () => {
  it("lists the shop's SKUs in SKU order, searches, and pages; other shops' SKUs never show", async () => {
    const { shop } = await shopWithStock(Object.fromEntries(Array.from({ length: 55 }, (_, i) => [`SKU-${String(i).padStart(3, "0")}`, i])));
    await shopWithStock({ "SKU-OTHER": 9 });

    const first = await (await call(listLoader, shop.domain, "/app/inventory")).json();
    expect(first.summary).toEqual({ skus: 55, outOfStock: 1, syncErrors: 0 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]).toMatchObject({ sku: "SKU-000", available: 0, reserved: 0 });
    expect(first.previousCursor).toBeNull();
    const second = await (await call(listLoader, shop.domain, `/app/inventory?after=${first.nextCursor}`)).json();
    expect(second.rows.map((row: { sku: string }) => row.sku)).toEqual(["SKU-050", "SKU-051", "SKU-052", "SKU-053", "SKU-054"]);
    expect(second.nextCursor).toBeNull();
    const back = await (await call(listLoader, shop.domain, `/app/inventory?before=${second.previousCursor}`)).json();
    expect(back.rows[0].sku).toBe("SKU-000");
    expect(back.rows).toHaveLength(50);

    const found = await (await call(listLoader, shop.domain, "/app/inventory?q=sku-05")).json();
    expect(found.rows.map((row: { sku: string }) => row.sku)).toEqual(["SKU-050", "SKU-051", "SKU-052", "SKU-053", "SKU-054"]);
    const none = await (await call(listLoader, shop.domain, "/app/inventory?q=OTHER")).json();
    expect(none.rows).toEqual([]);
    const tooLong = await call(listLoader, shop.domain, `/app/inventory?q=${"x".repeat(101)}`);
    expect(tooLong.status).toBe(400);
  });

  it("uploads a file as a job: progress, then the error report; then a good file applies", async () => {
    const { shop, db } = await shopWithStock({ MUG: 1, TEE: 2 });
    const bad = await call(listAction, shop.domain, "/app/inventory", upload("stock.csv", "sku,available\nMUG,5\nNOPE,3\nTEE,-1\n", "text/csv"));
    expect(bad.status).toBe(302);
    const importId = new URL(bad.headers.get("location")!, "https://x").searchParams.get("import")!;
    const queued = await (await call(listLoader, shop.domain, `/app/inventory?import=${importId}`)).json();
    expect(queued.current).toMatchObject({ status: "QUEUED", fileName: "stock.csv" });

    expect(await runInventoryImportFile({ shopId: shop.id, importId })).toMatchObject({ status: "rejected", errorCount: 2 });
    const rejected = await (await call(listLoader, shop.domain, `/app/inventory?import=${importId}`)).json();
    expect(rejected.current).toMatchObject({ status: "REJECTED", errorCount: 2 });
    expect(rejected.current.errors.map((e: { line: number; sku: string }) => [e.line, e.sku])).toEqual([
      [3, "NOPE"],
      [4, "TEE"],
    ]);
    const report = await call(errorsLoader, shop.domain, `/app/inventory/imports/${importId}/errors`, undefined, { id: importId });
    expect(report.headers.get("content-type")).toContain("text/csv");
    const csv = await report.text();
    expect(csv.split("\r\n")[0]).toBe("line,sku,problem");
    expect(csv).toContain("3,NOPE,");
    expect((await db.inventoryItem.findMany({ orderBy: { sku: "asc" } })).map((i) => i.available)).toEqual([1, 2]);

    const good = await call(listAction, shop.domain, "/app/inventory", upload("stock.json", JSON.stringify([{ sku: "MUG", available: 7 }]), "application/json"));
    const goodId = new URL(good.headers.get("location")!, "https://x").searchParams.get("import")!;
    expect(await runInventoryImportFile({ shopId: shop.id, importId: goodId })).toMatchObject({ status: "applied", changed: 1 });
    const applied = await (await call(listLoader, shop.domain, `/app/inventory?import=${goodId}`)).json();
    expect(applied.current).toMatchObject({ status: "APPLIED", applied: 1 });
    expect((await db.inventoryItem.findFirstOrThrow({ where: { sku: "MUG" } })).available).toBe(7);
  });

  it("refuses an upload that is not a file of the right kind, with a message", async () => {
    const { shop } = await shopWithStock({ MUG: 1 });
    const notCsv = await call(listAction, shop.domain, "/app/inventory", upload("stock.xlsx", "PK...", "application/vnd.ms-excel"));
    expect(notCsv.status).toBe(415);
    expect((await notCsv.json()).message).toMatch(/not a CSV or JSON file/);
    const empty = await call(listAction, shop.domain, "/app/inventory", upload("stock.csv", "", "text/csv"));
    expect(empty.status).toBe(400);
    const unknownIntent = await call(listAction, shop.domain, "/app/inventory", { method: "POST", body: new URLSearchParams({ intent: "explode" }) });
    expect(unknownIntent.status).toBe(400);
  });

  it("imports the catalog on request", async () => {
    const { shop } = await shopWithStock({});
    const response = await call(listAction, shop.domain, "/app/inventory", { method: "POST", body: new URLSearchParams({ intent: "import-catalog" }) });
    expect(await response.json()).toMatchObject({ ok: true });
    const jobs = await getQueue("inventory").getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.some((job) => job.name === "inventory.import-catalog" && job.data.shopId === shop.id)).toBe(true);
  });
});

describe("/app/inventory/:id", () => {
  it("shows the levels and movements, adjusts stock with a movement and an audit row", async () => {
    const { shop, db } = await shopWithStock({ CAP: 3 });
    const item = await db.inventoryItem.findFirstOrThrow({ where: { sku: "CAP" } });
    const form = (mode: string, quantity: string) => ({ method: "POST", body: new URLSearchParams({ mode, quantity }) });

    const added = await call(itemAction, shop.domain, `/app/inventory/${item.id}`, form("add", "4"), { id: item.id });
    expect(await added.json()).toEqual({ ok: true, message: "CAP: available 3 → 7. Your channels are being updated." });
    const tooMany = await call(itemAction, shop.domain, `/app/inventory/${item.id}`, form("add", "-8"), { id: item.id });
    expect(tooMany.status).toBe(422);
    expect((await tooMany.json()).message).toBe("Only 7 of CAP are available: you cannot remove 8.");
    const notNumber = await call(itemAction, shop.domain, `/app/inventory/${item.id}`, form("set", "2.5"), { id: item.id });
    expect(notNumber.status).toBe(400);
    const set = await call(itemAction, shop.domain, `/app/inventory/${item.id}`, form("set", "0"), { id: item.id });
    expect((await set.json()).ok).toBe(true);

    const page = await (await call(itemLoader, shop.domain, `/app/inventory/${item.id}`, undefined, { id: item.id })).json();
    expect(page.item).toMatchObject({ sku: "CAP", available: 0, reserved: 0 });
    expect(page.movements.map((m: { reason: string; delta: number; availableAfter: number }) => [m.reason, m.delta, m.availableAfter])).toEqual([
      ["MANUAL", -7, 0],
      ["MANUAL", 4, 7],
    ]);
    const audits = await db.auditLog.findMany({ where: { action: "INVENTORY_ADJUSTED" }, orderBy: { createdAt: "asc" } });
    expect(audits.map((a) => [a.actorType, a.before, a.after])).toEqual([
      ["USER", { sku: "CAP", available: 3 }, { sku: "CAP", available: 7, mode: "add", quantity: 4 }],
      ["USER", { sku: "CAP", available: 7 }, { sku: "CAP", available: 0, mode: "set", quantity: 0 }],
    ]);
  });

  it("answers 404 for another shop's SKU", async () => {
    const { shop } = await shopWithStock({});
    const other = await shopWithStock({ SECRET: 5 });
    const item = await other.db.inventoryItem.findFirstOrThrow({ where: { sku: "SECRET" } });
    expect((await call(itemLoader, shop.domain, `/app/inventory/${item.id}`, undefined, { id: item.id })).status).toBe(404);
    const adjust = await call(itemAction, shop.domain, `/app/inventory/${item.id}`, { method: "POST", body: new URLSearchParams({ mode: "set", quantity: "0" }) }, { id: item.id });
    expect(adjust.status).toBe(404);
    expect((await other.db.inventoryItem.findFirstOrThrow({ where: { id: item.id } })).available).toBe(5);
    const report = await call(errorsLoader, shop.domain, `/app/inventory/imports/${item.id}/errors`, undefined, { id: item.id });
    expect(report.status).toBe(404);
  });
});
