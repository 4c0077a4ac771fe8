// Bulk stock import: CSV files of 500, 10,000 and 100,000 rows applied through the app's
// import service (stream -> staged batches -> set-based checks -> set-based update and
// movements, one transaction), against a row-by-row import measured in the same run
// (the same parser, then one UPDATE and one movement INSERT per row, in one transaction).
// Files are generated as they are read, like an upload, so memory can be compared across
// sizes: the heap and RSS are sampled every 5 ms while each import runs.
// Runs standalone too: node scripts/with-node22.mjs node --import tsx bench/inventory-import.ts
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { admin, databaseUrl, deleteKeys } from "./support/processes";

const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SIZES = [500, 10_000, 100_000];
/** Row-by-row is measured up to this size and extrapolated linearly above it (said so in the output). */
const BASELINE_MAX_ROWS = Number(process.env.BENCH_IMPORT_BASELINE_MAX_ROWS ?? 10_000);
const TARGET = { smallSeconds: 1, smallRows: 500, largeSeconds: 10, largeRows: 100_000, flatMemoryFactor: 2, flatMemorySlackMiB: 16 };

export interface ImportRun {
  rows: number;
  format: "CSV" | "JSON";
  fileMiB: number;
  seconds: number;
  rowsPerSecond: number;
  changed: number;
  peakHeapMiB: number;
  peakRssMiB: number;
}

export interface InventoryImportResult {
  name: "inventory-bulk-import";
  runs: Array<ImportRun & { baselineSeconds: number; baselineMeasured: boolean; speedupOverRowByRow: number }>;
  json100k: ImportRun;
  target: typeof TARGET & { smallMet: boolean; largeMet: boolean; memoryFlat: boolean; met: boolean };
}

const MiB = 1024 * 1024;
const sku = (n: number) => `SKU-${String(n).padStart(6, "0")}`;
/** Round r sets SKU n to r * 1,000 + n % 1,000: every round changes every level. */
const level = (round: number, n: number) => round * 1_000 + (n % 1_000);

/** A CSV generated 64 KB at a time as the importer reads it; `bytes` counts what was produced. */
function csvFile(rows: number, round: number) {
  const file = { bytes: 0, source: null as unknown as AsyncGenerator<Uint8Array> };
  file.source = (async function* () {
    let chunk = "sku,available,title\n";
    for (let n = 1; n <= rows; n++) {
      chunk += `${sku(n)},${level(round, n)},Item ${n}\n`;
      if (chunk.length >= 64 * 1024) {
        const bytes = Buffer.from(chunk);
        file.bytes += bytes.length;
        yield bytes;
        chunk = "";
      }
    }
    const bytes = Buffer.from(chunk);
    file.bytes += bytes.length;
    yield bytes;
  })();
  return file;
}

function jsonFile(rows: number, round: number) {
  const file = { bytes: 0, source: null as unknown as AsyncGenerator<Uint8Array> };
  file.source = (async function* () {
    let chunk = "[";
    for (let n = 1; n <= rows; n++) {
      chunk += `${n > 1 ? "," : ""}{"sku":"${sku(n)}","available":${level(round, n)}}`;
      if (chunk.length >= 64 * 1024) {
        const bytes = Buffer.from(chunk);
        file.bytes += bytes.length;
        yield bytes;
        chunk = "";
      }
    }
    const bytes = Buffer.from(`${chunk}]`);
    file.bytes += bytes.length;
    yield bytes;
  })();
  return file;
}

/** A full collection before each run, so each peak is measured from the same floor (gc exposed on first use). */
let collectGarbage: (() => void) | undefined;
function collect(): void {
  if (!collectGarbage) {
    v8.setFlagsFromString("--expose-gc");
    collectGarbage = vm.runInNewContext("gc") as () => void;
  }
  collectGarbage();
}

/** Runs `work` while sampling the heap and RSS; peaks are relative to the start. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakHeapMiB: number; peakRssMiB: number }> {
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage.rss();
  let heapPeak = heap0;
  let rssPeak = rss0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 5);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    sample();
    return { result, seconds, peakHeapMiB: (heapPeak - heap0) / MiB, peakRssMiB: (rssPeak - rss0) / MiB };
  } finally {
    clearInterval(timer);
  }
}

const ROW_BY_ROW_UPDATE = `UPDATE "InventoryItem" i SET available = $3, version = i.version + 1, "updatedAt" = now()
  FROM (SELECT id, available AS old FROM "InventoryItem" WHERE "shopId" = $1 AND sku = $2 FOR UPDATE) o
 WHERE i.id = o.id RETURNING i.id, i.available, o.old`;
const ROW_BY_ROW_MOVEMENT = `INSERT INTO "InventoryMovement" ("shopId", "inventoryItemId", sku, reason, delta, "availableAfter", reference)
  VALUES ($1, $2, $3, 'IMPORT', $4, $5, $6)`;

export async function benchInventoryImport(log: (line: string) => void): Promise<InventoryImportResult> {
  const runId = randomBytes(4).toString("hex");
  const database = `rappit_bench_${runId}`;
  const url = databaseUrl(database);
  const prefix = `rappit-bench-${runId}`;
  let close: (() => Promise<void>) | undefined;

  await admin(`CREATE DATABASE "${database}"`);
  try {
    const { deployMigrations } = await import("../app/db/migrations.server");
    await deployMigrations(url);
    // The import requests channel pushes after commit, so the app needs its config and Redis.
    Object.assign(process.env, {
      LOG_LEVEL: "warn",
      SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "bench-key",
      SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? "bench-secret",
      SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? "https://bench.rappit.test",
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      DATABASE_URL: url,
      REDIS_URL: REDIS,
      QUEUE_PREFIX: prefix,
    });
    const { createPrismaClient, forShop, pgPoolOf } = await import("../app/db/prisma.server");
    const { importStock } = await import("../app/inventory/bulk-import/index.server");
    const { readStagedRows } = await import("../app/inventory/bulk-import/read-rows");
    const queues = await import("../app/jobs/queues.server");
    const redis = await import("../app/jobs/redis.server");
    const client = createPrismaClient(url, 4);
    close = async () => {
      await queues.closeQueues();
      await redis.closeProducerRedis();
      await client.$disconnect();
    };

    const pool = pgPoolOf(client);
    const max = Math.max(...SIZES);
    const shopOf = async (domain: string) => {
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO "Shop" (id, domain, "updatedAt") VALUES (gen_random_uuid(), $1, now()) RETURNING id`, [domain]);
      await pool.query(`INSERT INTO "InventoryItem" ("shopId", sku) SELECT $1, 'SKU-' || lpad(g::text, 6, '0') FROM generate_series(1, $2) g`, [rows[0].id, max]);
      return rows[0].id;
    };
    // Separate shops, so the set-based runs and the row-by-row runs start from the same table shape.
    const bulkShop = await shopOf(`bench-import-${runId}.myshopify.com`);
    const baselineShop = await shopOf(`bench-baseline-${runId}.myshopify.com`);
    await pool.query("VACUUM ANALYZE");
    const db = forShop(bulkShop, client);
    let round = 0;

    const bulk = async (rows: number, format: "CSV" | "JSON"): Promise<ImportRun> => {
      round += 1;
      const file = format === "CSV" ? csvFile(rows, round) : jsonFile(rows, round);
      const run = await sampled(() => importStock(db, { source: file.source, format, actorEmail: "bench@example.com" }));
      if (run.result.status !== "applied" || run.result.changed !== rows) throw new Error(`import of ${rows} rows: ${JSON.stringify(run.result).slice(0, 500)}`);
      return {
        rows,
        format,
        fileMiB: file.bytes / MiB,
        seconds: run.seconds,
        rowsPerSecond: rows / run.seconds,
        changed: run.result.changed,
        peakHeapMiB: run.peakHeapMiB,
        peakRssMiB: run.peakRssMiB,
      };
    };

    const rowByRow = async (rows: number): Promise<number> => {
      round += 1;
      const file = csvFile(rows, round);
      const reference = `row-by-row-${round}`;
      const connection = await pool.connect();
      const started = performance.now();
      try {
        await connection.query("BEGIN");
        for await (const row of readStagedRows(file.source, "CSV")) {
          const updated = await connection.query<{ id: string; available: number; old: number }>({
            name: "bench-row-update",
            text: ROW_BY_ROW_UPDATE,
            values: [baselineShop, row.sku, row.available],
          });
          const item = updated.rows[0];
          await connection.query({
            name: "bench-row-movement",
            text: ROW_BY_ROW_MOVEMENT,
            values: [baselineShop, item.id, row.sku, item.available - item.old, item.available, reference],
          });
        }
        await connection.query("COMMIT");
      } catch (error) {
        await connection.query("ROLLBACK");
        throw error;
      } finally {
        connection.release();
      }
      return (performance.now() - started) / 1000;
    };

    // Warm-up, untimed: JIT, pooled connections, the queue's Redis connection.
    await bulk(500, "CSV");
    await rowByRow(500);

    const runs: InventoryImportResult["runs"] = [];
    let perRowBaseline = 0;
    for (const rows of SIZES) {
      const run = await bulk(rows, "CSV");
      const measured = rows <= BASELINE_MAX_ROWS;
      const baselineSeconds = measured ? await rowByRow(rows) : perRowBaseline * rows;
      if (measured) perRowBaseline = baselineSeconds / rows;
      const speedupOverRowByRow = baselineSeconds / run.seconds;
      runs.push({ ...run, baselineSeconds, baselineMeasured: measured, speedupOverRowByRow });
      log(
        `  ${rows.toLocaleString("en-US").padStart(7)} rows CSV (${run.fileMiB.toFixed(1)} MiB): ${run.seconds.toFixed(2)} s, ${run.rowsPerSecond.toFixed(0)} rows/s, ` +
          `peak heap +${run.peakHeapMiB.toFixed(1)} MiB, peak RSS +${run.peakRssMiB.toFixed(1)} MiB; ` +
          `row-by-row ${baselineSeconds.toFixed(2)} s${measured ? "" : " (extrapolated from the 10,000-row run)"} -> ${speedupOverRowByRow.toFixed(1)}x faster`,
      );
    }
    const json100k = await bulk(100_000, "JSON");
    log(
      `  100,000 rows JSON (${json100k.fileMiB.toFixed(1)} MiB): ${json100k.seconds.toFixed(2)} s, peak heap +${json100k.peakHeapMiB.toFixed(1)} MiB, peak RSS +${json100k.peakRssMiB.toFixed(1)} MiB`,
    );

    const small = runs.find((run) => run.rows === TARGET.smallRows)!;
    const large = runs.find((run) => run.rows === TARGET.largeRows)!;
    const middle = runs.find((run) => run.rows === 10_000)!;
    const smallMet = small.seconds < TARGET.smallSeconds;
    const largeMet = large.seconds < TARGET.largeSeconds;
    // Flat: ten times the file may not take more than twice the memory (plus slack for GC timing).
    const memoryFlat = large.peakHeapMiB <= TARGET.flatMemoryFactor * middle.peakHeapMiB + TARGET.flatMemorySlackMiB;
    log(
      `  targets: ${TARGET.smallRows} rows < ${TARGET.smallSeconds} s: ${smallMet ? "pass" : "FAIL"} (${small.seconds.toFixed(3)} s); ` +
        `${TARGET.largeRows.toLocaleString("en-US")} rows < ${TARGET.largeSeconds} s: ${largeMet ? "pass" : "FAIL"} (${large.seconds.toFixed(2)} s); ` +
        `memory flat (peak heap at 100,000 <= ${TARGET.flatMemoryFactor}x that at 10,000 + ${TARGET.flatMemorySlackMiB} MiB): ${memoryFlat ? "pass" : "FAIL"} ` +
        `(${middle.peakHeapMiB.toFixed(1)} -> ${large.peakHeapMiB.toFixed(1)} MiB for ${middle.fileMiB.toFixed(1)} -> ${large.fileMiB.toFixed(1)} MiB of file)`,
    );
    return {
      name: "inventory-bulk-import",
      runs,
      json100k,
      target: { ...TARGET, smallMet, largeMet, memoryFlat, met: smallMet && largeMet && memoryFlat },
    };
  } finally {
    await close?.();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await deleteKeys(REDIS, prefix);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log("inventory: bulk import (CSV, streamed; row-by-row baseline in the same run)");
  const result = await benchInventoryImport(log);
  log(`  => ${result.target.met ? "targets met" : "targets NOT met"}`);
  process.exit(0);
}
