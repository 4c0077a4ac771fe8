// Webhook ingestion: signed orders/create deliveries (with Shopify-style
// redeliveries mixed in) against the production build on loopback, compared with
// a bare route that only verifies the HMAC (the ceiling), then processed by the
// inbound workers to check that no order is lost or doubled.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { runLoad, type Delivery, type LoadResult } from "./support/load";

const POSTGRES = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ORDERS = Number(process.env.BENCH_WEBHOOK_ORDERS ?? 8000);
const REDELIVERED_SHARE = 0.05;
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 32);
const SHOP = "bench-shop.myshopify.com";
// A second installed shop takes the warm-up deliveries, so the measured run starts with
// the whole path (insert, enqueue) compiled and every pooled connection's statements prepared.
const WARMUP_SHOP = "bench-warmup.myshopify.com";
const WARMUP_ORDERS = 1000;

export interface WebhookIngestResult {
  name: "webhook-ingest";
  deliveries: number;
  app: LoadResult;
  baseline: LoadResult;
  ratioToBaseline: number;
  ordersExpected: number;
  ordersStored: number;
  lost: number;
  doubled: number;
  processingSeconds: number;
  target: { perSecond: number; p99Ms: number; met: boolean };
}

function databaseUrl(name: string): string {
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function orderBody(id: number) {
  const now = new Date().toISOString();
  return JSON.stringify({
    id,
    name: `#${id}`,
    email: `buyer${id}@example.com`,
    phone: null,
    created_at: now,
    updated_at: now,
    cancelled_at: null,
    currency: "USD",
    total_price: "25.00",
    financial_status: "pending",
    fulfillment_status: null,
    payment_gateway_names: ["Cash on Delivery (COD)"],
    customer: { id: id + 1, first_name: "Bench", last_name: "Buyer" },
    shipping_address: { address1: "1 Main St", city: "Springfield", country: "United States", zip: "62701" },
    line_items: [{ id: id * 10, sku: "SKU-1", title: "Tote", quantity: 1, price: "25.00" }],
  });
}

function deliveries(secret: string, shop: string, orders: number, firstOrderId: number): Delivery[] {
  const sign = (body: string) => createHmac("sha256", secret).update(body, "utf8").digest("base64");
  const unique = Array.from({ length: orders }, (_, i) => {
    const body = orderBody(firstOrderId + i);
    return {
      path: "/webhooks/orders/create",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Hmac-Sha256": sign(body),
      },
    };
  });
  // Shopify redelivers when it does not see a 200 in time: same webhook id, same body.
  const redelivered = Array.from({ length: Math.round(orders * REDELIVERED_SHARE) }, (_, i) => unique[(i * 7919) % unique.length]);
  const all = [...unique, ...redelivered];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

async function waitUntilProcessed(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "WebhookEvent" WHERE "processedAt" IS NULL`);
      if (rows[0].n === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].n} events still unprocessed`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await client.end();
  }
}

export async function benchWebhookIngest(log: (line: string) => void): Promise<WebhookIngestResult> {
  const runId = randomBytes(4).toString("hex");
  const database = `rappit_bench_${runId}`;
  const url = databaseUrl(database);
  const prefix = `rappit-bench-${runId}`;
  const secret = randomBytes(32).toString("hex");
  const env = {
    NODE_ENV: "production" as const,
    PORT: "0",
    LOG_LEVEL: "warn",
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: secret,
    SHOPIFY_APP_URL: "https://bench.rappit.test",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: "8",
    WEB_CONCURRENCY: process.env.BENCH_WEB_CONCURRENCY ?? "2",
    REDIS_URL: REDIS,
    QUEUE_PREFIX: prefix,
  };
  const children: ChildProcess[] = [];

  await admin(`CREATE DATABASE "${database}"`);
  try {
    const { deployMigrations } = await import("../app/db/migrations.server");
    await deployMigrations(url);
    const seed = new pg.Client({ connectionString: url });
    await seed.connect();
    for (const domain of [SHOP, WARMUP_SHOP]) {
      await seed.query(`INSERT INTO "Shop" (id, domain, "updatedAt") VALUES (gen_random_uuid(), $1, now())`, [domain]);
    }
    await seed.end();

    const load = deliveries(secret, SHOP, ORDERS, 100_000);
    const warmup = deliveries(secret, WARMUP_SHOP, WARMUP_ORDERS, 900_000_000);

    const bare = await startProcess(["--import", "tsx", "bench/support/bare-hmac-server.ts"], env, /listening (\d+)/);
    children.push(bare.child);
    const bareUrl = `http://127.0.0.1:${bare.match[1]}`;
    await runLoad(bareUrl, warmup, CONCURRENCY);
    const baseline = await runLoad(bareUrl, load, CONCURRENCY);
    await stop(bare.child);
    log(`  baseline (HMAC only): ${baseline.perSecond.toFixed(0)} deliveries/s, p50 ${baseline.p50Ms.toFixed(1)} ms, p99 ${baseline.p99Ms.toFixed(1)} ms`);

    const web = await startProcess(["--import", "tsx", "server/web.ts"], { ...env, LOG_LEVEL: "info" }, /"url":"http:\/\/localhost:(\d+)"/);
    children.push(web.child);
    const appUrl = `http://127.0.0.1:${web.match[1]}`;
    await runLoad(appUrl, warmup, CONCURRENCY);
    const app = await runLoad(appUrl, load, CONCURRENCY);
    log(`  app (record + enqueue): ${app.perSecond.toFixed(0)} deliveries/s, p50 ${app.p50Ms.toFixed(1)} ms, p99 ${app.p99Ms.toFixed(1)} ms, non-200: ${app.failed}`);
    await stop(web.child);

    const workers = await startProcess(["--import", "tsx", "workers/index.ts"], { ...env, LOG_LEVEL: "info" }, /workers started/);
    children.push(workers.child);
    const processingStarted = performance.now();
    await waitUntilProcessed(url, 300_000);
    const processingSeconds = (performance.now() - processingStarted) / 1000;
    await stop(workers.child);

    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query(
      `SELECT count(*)::int AS orders, count(DISTINCT "externalOrderId")::int AS distinct FROM "Order"
       WHERE "shopId" = (SELECT id FROM "Shop" WHERE domain = $1)`,
      [SHOP],
    );
    await check.end();
    const ordersStored = rows[0].orders as number;
    const doubled = ordersStored - (rows[0].distinct as number);
    const lost = ORDERS - (rows[0].distinct as number);
    log(`  processed by the workers in ${processingSeconds.toFixed(1)} s: ${ordersStored} orders for ${ORDERS} sent, lost ${lost}, doubled ${doubled}`);

    const target = { perSecond: 1000, p99Ms: 100 };
    return {
      name: "webhook-ingest",
      deliveries: load.length,
      app,
      baseline,
      ratioToBaseline: app.perSecond / baseline.perSecond,
      ordersExpected: ORDERS,
      ordersStored,
      lost,
      doubled,
      processingSeconds,
      target: { ...target, met: app.perSecond >= target.perSecond && app.p99Ms <= target.p99Ms && lost === 0 && doubled === 0 },
    };
  } finally {
    await Promise.all(children.map(stop));
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    const redis = new Redis(REDIS);
    let cursor = "0";
    do {
      const [nextCursor, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== "0");
    redis.disconnect();
  }
}
