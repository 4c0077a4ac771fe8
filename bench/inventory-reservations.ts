// Hot-SKU reservations: 32 concurrent clients reserve single-unit orders on ONE SKU
// through the app's reservation transaction (order marker, conditional decrement,
// reservation and movement rows, commit), compared with the plainest possible
// conditional decrement of one row (`UPDATE … SET qty = qty - 1 WHERE id = 1 AND
// qty >= 1`, autocommit) on the same server, same concurrency, in the same run.
// Runs standalone too: node scripts/with-node22.mjs node --import tsx bench/inventory-reservations.ts
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { admin, databaseUrl, percentile } from "./support/processes";

const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_RESERVATION_CLIENTS ?? 32);
const TARGET = { ratioToBaseline: 0.5, perSecond: 1_000 };

export interface RateStats {
  operations: number;
  clients: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface InventoryReservationResult {
  name: "inventory-hot-sku-reservations";
  reservations: RateStats;
  baseline: RateStats & { statement: string };
  ratioToBaseline: number;
  finalAvailable: number;
  reserved: number;
  target: { ratioToBaseline: number; perSecond: number; met: boolean };
}

async function measure(operations: number, clients: number, run: (index: number) => Promise<void>): Promise<RateStats> {
  const latencies: number[] = new Array(operations);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < operations; i = next++) {
        const t0 = performance.now();
        await run(i);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { operations, clients, seconds, perSecond: operations / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

export async function benchInventoryReservations(log: (line: string) => void): Promise<InventoryReservationResult> {
  const database = `rappit_bench_inventory_${randomBytes(4).toString("hex")}`;
  const url = databaseUrl(database);
  await admin(`CREATE DATABASE "${database}"`);
  const setup = new pg.Client({ connectionString: url });
  let app: { close(): Promise<void> } | undefined;
  try {
    const { deployMigrations } = await import("../app/db/migrations.server");
    await deployMigrations(url);
    await setup.connect();
    // One shop, one channel, one hot SKU with stock for every order, and the orders (untimed).
    const { rows: [shop] } = await setup.query<{ id: string }>(`INSERT INTO "Shop" (id, domain, "updatedAt") VALUES (gen_random_uuid(), 'bench-inventory.myshopify.com', now()) RETURNING id`);
    const { rows: [channel] } = await setup.query<{ id: string }>(
      `INSERT INTO "Channel" (id, "shopId", type, "externalId", name, "updatedAt") VALUES (gen_random_uuid(), $1, 'SHOPIFY', 'bench-inventory.myshopify.com', 'Shopify', now()) RETURNING id`,
      [shop.id],
    );
    await setup.query(`INSERT INTO "InventoryItem" ("shopId", sku, title, available) VALUES ($1, 'HOT-SKU', 'Hot', $2)`, [shop.id, RESERVATIONS]);
    const { rows: orders } = await setup.query<{ id: string }>(
      `INSERT INTO "Order" (id, "shopId", "channelId", "externalOrderId", name, "totalPrice", currency, "externalCreatedAt", "externalUpdatedAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, n::text, '#' || n, 10, 'USD', now(), now(), now() FROM generate_series(1, $3::int) AS n
       RETURNING id`,
      [shop.id, channel.id, RESERVATIONS],
    );
    await setup.query(
      `INSERT INTO "OrderLine" (id, "shopId", "orderId", "externalLineId", sku, title, quantity, price)
       SELECT gen_random_uuid(), $1, o.id, '1', 'HOT-SKU', 'Hot', 1, 10 FROM "Order" o WHERE o."shopId" = $1`,
      [shop.id],
    );
    await setup.query(`CREATE TABLE bench_stock (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0))`);
    await setup.query(`INSERT INTO bench_stock VALUES (1, $1)`, [RESERVATIONS]);
    await setup.query("VACUUM ANALYZE");

    const { createPrismaClient, forShop, pgPoolOf } = await import("../app/db/prisma.server");
    const { reserveOrderStock } = await import("../app/inventory/reservations.server");
    const client = createPrismaClient(url, CLIENTS);
    app = { close: () => client.$disconnect() };
    const db = forShop(shop.id, client);
    // Warm every pooled connection (connect, prepared statements) before timing.
    await Promise.all(Array.from({ length: CLIENTS }, () => pgPoolOf(db).query("SELECT 1")));

    const baselinePool = new pg.Pool({ connectionString: url, max: CLIENTS });
    await Promise.all(Array.from({ length: CLIENTS }, () => baselinePool.query("SELECT 1")));
    const statement = "UPDATE bench_stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1";
    const baseline = await measure(RESERVATIONS, CLIENTS, async () => {
      await baselinePool.query({ name: "bench-decrement", text: statement });
    });
    await baselinePool.end();
    log(`  baseline: ${baseline.perSecond.toFixed(0)} conditional UPDATEs/s of one row, p99 ${baseline.p99Ms.toFixed(1)} ms (${CLIENTS} clients)`);

    let failures = 0;
    const reservations = await measure(RESERVATIONS, CLIENTS, async (index) => {
      const result = await reserveOrderStock(db, orders[index].id);
      if (result.status !== "reserved") failures += 1;
    });
    log(`  app: ${reservations.perSecond.toFixed(0)} order reservations/s on one SKU, p99 ${reservations.p99Ms.toFixed(1)} ms (${CLIENTS} clients)`);
    const { rows: [level] } = await setup.query<{ available: number; reserved: number }>(`SELECT available, reserved FROM "InventoryItem" WHERE "shopId" = $1`, [shop.id]);
    if (failures > 0) throw new Error(`${failures} reservations failed although stock covered every order`);

    const ratioToBaseline = reservations.perSecond / baseline.perSecond;
    return {
      name: "inventory-hot-sku-reservations",
      reservations,
      baseline: { ...baseline, statement },
      ratioToBaseline,
      finalAvailable: level.available,
      reserved: level.reserved,
      target: { ...TARGET, met: ratioToBaseline >= TARGET.ratioToBaseline && reservations.perSecond >= TARGET.perSecond && level.available === 0 },
    };
  } finally {
    await app?.close();
    await setup.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchInventoryReservations((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
