import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// 100,000 rows through POST /api/inventory/bulk, the body generated as it is sent (never
// a whole file in memory): applied in one transaction, every level and movement right.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-inventory-import-large-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  bulk: await import("~/inventory/bulk-import/index.server"),
  route: await import("~/routes/api.inventory.bulk"),
  shops: await import("../factories/shop.factory"),
  requests: await import("../support/admin-requests"),
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

const ROWS = 100_000;
const sku = (n: number) => `SKU-${String(n).padStart(6, "0")}`;
const target = (n: number) => (n * 7) % 1_000;

/** A CSV body produced 1,000 rows at a time as the route reads it. */
function csvStream(rows: number, line: (n: number) => string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === 0) controller.enqueue(encoder.encode("sku,available,title\r\n"));
      const parts: string[] = [];
      for (let i = 0; i < 1_000 && next < rows; i++) parts.push(line(++next));
      controller.enqueue(encoder.encode(parts.join("")));
      if (next >= rows) controller.close();
    },
  });
}

async function post(shop: string, body: ReadableStream<Uint8Array>) {
  const request = await app.requests.adminRequest(shop, "/api/inventory/bulk", { method: "POST", body, headers: { "Content-Type": "text/csv" }, duplex: "half" } as RequestInit);
  const response = await app.requests.settle(() => app.route.action({ request, params: {}, context: {} }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("bulk import at 100,000 rows", () => {
  it("applies a 100,000-row CSV: every level set, one movement per changed item, in seconds", async () => {
    const shop = await app.shops.buildShop();
    const pool = app.db.pgPoolOf(app.db.getPrisma());
    await pool.query(`INSERT INTO "InventoryItem" ("shopId", sku, available) SELECT $1, 'SKU-' || lpad(g::text, 6, '0'), 5 FROM generate_series(1, $2) g`, [shop.id, ROWS]);

    const started = performance.now();
    const { status, body } = await post(shop.domain, csvStream(ROWS, (n) => `${sku(n)},${target(n)},"Item ${n}"\r\n`));
    const seconds = (performance.now() - started) / 1000;

    expect(status).toBe(200);
    const unchanged = Array.from({ length: ROWS }, (_, i) => target(i + 1)).filter((value) => value === 5).length;
    expect(body).toMatchObject({ status: "applied", rows: ROWS, changed: ROWS - unchanged });
    expect(seconds).toBeLessThan(20); // the benchmark holds the real bar (10 s); this guards against a collapse

    const { rows: [totals] } = await pool.query(
      `SELECT count(*) FILTER (WHERE available = ((substr(sku, 5)::int * 7) % 1000))::int AS right,
              count(*) FILTER (WHERE title = 'Item ' || substr(sku, 5)::int)::int AS titled,
              count(*) FILTER (WHERE version = 2)::int AS bumped
         FROM "InventoryItem" WHERE "shopId" = $1`,
      [shop.id],
    );
    expect(totals).toEqual({ right: ROWS, titled: ROWS, bumped: ROWS - unchanged });
    const { rows: [moved] } = await pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE m.delta = m."availableAfter" - 5 AND m."availableAfter" = i.available)::int AS consistent
         FROM "InventoryMovement" m JOIN "InventoryItem" i ON i.id = m."inventoryItemId"
        WHERE m."shopId" = $1 AND m.reason = 'IMPORT' AND m.reference = $2`,
      [shop.id, body.importId],
    );
    expect(moved).toEqual({ n: ROWS - unchanged, consistent: ROWS - unchanged });
  });

  it("rejects a 100,000-row CSV with one bad row at the end: nothing applied, the one row reported", async () => {
    const shop = await app.shops.buildShop();
    const pool = app.db.pgPoolOf(app.db.getPrisma());
    await pool.query(`INSERT INTO "InventoryItem" ("shopId", sku, available) SELECT $1, 'SKU-' || lpad(g::text, 6, '0'), 5 FROM generate_series(1, $2) g`, [shop.id, ROWS]);

    const { status, body } = await post(shop.domain, csvStream(ROWS, (n) => `${n === ROWS ? "SKU-999999" : sku(n)},${target(n)},\r\n`));
    expect(status).toBe(422);
    expect(body).toMatchObject({ status: "rejected", rows: ROWS, errorCount: 1, errors: [{ line: ROWS + 1, sku: "SKU-999999", reason: "unknown SKU: this shop has no inventory item with this SKU" }] });
    const { rows: [totals] } = await pool.query(`SELECT sum(available)::int AS total, max(version)::int AS version FROM "InventoryItem" WHERE "shopId" = $1`, [shop.id]);
    expect(totals).toEqual({ total: ROWS * 5, version: 1 });
  });
});
