// The fulfillment pipeline end to end: prepaid orders of several installed shops arrive
// as signed orders/create webhooks at the production web server, the workers process
// (real handlers) routes them, buys each label on the FedEx emulator (with a realistic
// latency on every FedEx request) and creates the fulfillment on the Shopify emulator.
// Measures orders/s from the first delivery to the last FULFILLED order and the
// order-to-tracking time, checks nothing is lost or doubled, and compares with the
// bound the worker concurrency and FedEx's latency allow.
// Runs standalone too: node scripts/with-node22.mjs node --import tsx bench/fulfillment-pipeline.ts
import { type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import pg from "pg";
import { startFedexEmulator } from "../emulators/fedex/server";
import { webhookPayload, type EmulatedOrder } from "../emulators/shopify/orders";
import { startShopifyEmulator } from "../emulators/shopify/server";
import { admin, databaseUrl, deleteKeys, percentile, startProcess, stop } from "./support/processes";

const REDIS = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ORDERS = Number(process.env.BENCH_PIPELINE_ORDERS ?? 1000);
const SHOPS = Number(process.env.BENCH_PIPELINE_SHOPS ?? 10);
/** Added by the FedEx emulator to every request (token, rate, ship, ...). */
const FEDEX_LATENCY_MS = Number(process.env.BENCH_PIPELINE_FEDEX_LATENCY_MS ?? 150);
/** The app's default; at 10 shops it allows 50 jobs/s, above the bound below, so it does not bind. */
const SHOP_RATE = process.env.BENCH_PIPELINE_JOBS_PER_SHOP_PER_SECOND ?? "5";
const DELIVERY_CONCURRENCY = Number(process.env.BENCH_PIPELINE_DELIVERY_CONCURRENCY ?? 16);
const TIMEOUT_MS = Number(process.env.BENCH_PIPELINE_TIMEOUT_MS ?? 300_000);
/** Fulfillment jobs one workers process runs at once (app/jobs/worker-runtime.server.ts). */
const WORKER_CONCURRENCY = 5;
/** FedEx: 1,400 requests per 10 s per project (app/carriers/fedex/settings.ts); each shop has its own project. */
const FEDEX_REQUESTS_PER_SECOND = 1400 / 10;
const SHIP_FROM = { name: "Rappit Store", phone: "9015550100", address1: "10 Main St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" };

export interface FulfillmentPipelineResult {
  name: "fulfillment-pipeline";
  orders: number;
  shops: number;
  fedexLatencyMs: number;
  fulfillmentJobsPerShopPerSecond: number;
  workerConcurrency: number;
  deliverySeconds: number;
  deliveriesNon200: number;
  seconds: number;
  perSecond: number;
  orderToTracking: { p50Ms: number; p99Ms: number; maxMs: number };
  bound: { perSecond: number; formula: string };
  ratioToBound: number;
  fedexRequests: Record<string, number>;
  fulfilled: number;
  lost: number;
  duplicateLabels: number;
  duplicateFulfillments: number;
  target: { lost: 0; duplicates: 0; met: boolean };
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

/** Waits until the queue has had nothing waiting or running for a second. */
async function syncQueueIdle(queue: { getJobCounts(...types: string[]): Promise<Record<string, number>> }): Promise<void> {
  const deadline = Date.now() + 60_000;
  let idleSince = 0;
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts("waiting", "active", "prioritized", "waiting-children");
    const busy = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (busy > 0) idleSince = 0;
    else if (!idleSince) idleSince = Date.now();
    else if (Date.now() - idleSince >= 1_000) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the sync queue did not drain within 60 s");
}

export async function benchFulfillmentPipeline(log: (line: string) => void): Promise<FulfillmentPipelineResult> {
  const runId = randomBytes(4).toString("hex");
  const database = `rappit_bench_${runId}`;
  const url = databaseUrl(database);
  const prefix = `rappit-bench-${runId}`;
  const children: ChildProcess[] = [];
  const shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  const fedex = await startFedexEmulator();
  // Both children and this process (which installs the shops with the app's own modules)
  // share the database, the queue prefix, the app credentials and the encryption key.
  const shared = {
    LOG_LEVEL: "warn",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET_KEY,
    SHOPIFY_APP_URL: APP_URL,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: "8",
    REDIS_URL: REDIS,
    QUEUE_PREFIX: prefix,
  };
  // Emulator origins are refused with NODE_ENV=production, so the workers run in development
  // mode (same code, no build needed); the web server is the production build and needs none.
  const workersEnv = {
    ...shared,
    NODE_ENV: "development" as const,
    SHOPIFY_API_ORIGIN: shopify.url,
    FEDEX_API_ORIGIN: fedex.url,
    FULFILLMENT_JOBS_PER_SHOP_PER_SECOND: SHOP_RATE,
  };
  const webEnv = { ...shared, NODE_ENV: "production" as const, PORT: "0", WEB_CONCURRENCY: "1", SHOPIFY_API_ORIGIN: "", FEDEX_API_ORIGIN: "" };
  let app: Awaited<ReturnType<typeof loadApp>> | undefined;

  await admin(`CREATE DATABASE "${database}"`);
  try {
    const { deployMigrations } = await import("../app/db/migrations.server");
    await deployMigrations(url);
    Object.assign(process.env, { ...workersEnv, NODE_ENV: process.env.NODE_ENV ?? "development" });
    app = await loadApp();

    // Setup, untimed: each shop installed (token exchange against the emulator), with a FedEx account and a ship-from.
    const shops: { domain: string; orders: EmulatedOrder[] }[] = [];
    for (let s = 0; s < SHOPS; s++) {
      const domain = `bench-${runId}-${s}.myshopify.com`;
      shopify.state.addShop(domain);
      const request = await setUpValidRequest(
        { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
        new Request(`${APP_URL}/app`),
      );
      await app.home.loader({ request, params: {}, context: {} });
      const shop = await app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain } });
      const db = app.db.forShop(shop.id);
      await db.shop.update({ where: { id: shop.id }, data: { shipFrom: SHIP_FROM } });
      const credentials = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: String(700_000_000 + s) };
      fedex.state.addAccount(credentials);
      const added = await app.accounts.addCarrierAccount(
        db,
        { carrier: "FEDEX", environment: "SANDBOX", accountNumber: credentials.accountNumber, credentials: { clientId: credentials.clientId, clientSecret: credentials.clientSecret } },
        { type: "SYSTEM", id: "bench" },
      );
      if (!added.ok) throw new Error(`could not add the FedEx account of ${domain}: ${JSON.stringify(added)}`);
      shops.push({ domain, orders: [] });
    }

    const web = await startProcess(["--import", "tsx", "server/web.ts"], { ...webEnv, LOG_LEVEL: "info" }, /"url":"http:\/\/localhost:(\d+)"/);
    children.push(web.child);
    shopify.appUrl = `http://127.0.0.1:${web.match[1]}`;
    const workers = await startProcess(["--import", "tsx", "workers/index.ts"], { ...workersEnv, LOG_LEVEL: "info" }, /workers started/);
    children.push(workers.child);
    // The install schedules each shop's order reconciliation, which runs at once and then every
    // 15 minutes. Let that first run finish before the orders exist: an order it imports from the
    // GraphQL Admin API has no country code (the query asks for `country` only), so its label fails.
    await syncQueueIdle(app.queues.getQueue("sync"));
    // Orders interleaved across shops, as several stores selling at once.
    const deliveries: { domain: string; order: EmulatedOrder }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const shop = shops[i % SHOPS];
      const order = shopify.state.createOrder(shop.domain, { gateways: ["shopify_payments"], financialStatus: "paid" });
      shop.orders.push(order);
      deliveries.push({ domain: shop.domain, order });
    }
    // Setup traffic (installs, account checks) is not counted.
    fedex.state.faults.latencyMs = FEDEX_LATENCY_MS;
    const countsBefore = { ...fedex.state.counts };

    // Timed: every delivery, then poll until every order is FULFILLED.
    const sentAt = new Map<string, number>();
    let non200 = 0;
    const started = Date.now();
    await pool(deliveries, DELIVERY_CONCURRENCY, async ({ domain, order }) => {
      sentAt.set(String(order.id), Date.now());
      const { status } = await shopify.webhooks.deliver({ topic: "orders/create", shop: domain, payload: webhookPayload(order) });
      if (status !== 200) non200 += 1;
    });
    const deliverySeconds = (Date.now() - started) / 1000;
    log(`  ${ORDERS} orders delivered in ${deliverySeconds.toFixed(1)} s (non-200: ${non200}); waiting for FULFILLED`);

    const check = new pg.Client({ connectionString: url });
    await check.connect();
    let fulfilled = 0;
    let latencies: number[] = [];
    let lastFulfilledAt = NaN;
    let lastLogged = Date.now();
    try {
      const deadline = started + TIMEOUT_MS;
      for (;;) {
        const { rows } = await check.query(`SELECT count(*)::int AS n FROM "Order" WHERE status = 'FULFILLED'`);
        fulfilled = rows[0].n as number;
        if (fulfilled >= ORDERS || Date.now() > deadline) break;
        if (Date.now() - lastLogged > 15_000) {
          log(`  ... ${fulfilled} FULFILLED after ${((Date.now() - started) / 1000).toFixed(0)} s`);
          lastLogged = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Timestamps as epoch ms (Prisma stores UTC; extract(epoch) reads it as such).
      const { rows } = await check.query(
        `SELECT "externalOrderId" AS id, (extract(epoch FROM "statusChangedAt") * 1000)::float8 AS at FROM "Order" WHERE status = 'FULFILLED'`,
      );
      latencies = rows.map((row) => (row.at as number) - sentAt.get(row.id as string)!).sort((a, b) => a - b);
      lastFulfilledAt = Math.max(...rows.map((row) => row.at as number));
    } finally {
      await check.end();
    }

    const seconds = (lastFulfilledAt - started) / 1000;
    const perSecond = fulfilled / seconds;
    const fedexRequests = Object.fromEntries(Object.entries(fedex.state.counts).map(([kind, n]) => [kind, n - countsBefore[kind as keyof typeof countsBefore]]));
    const perReference = new Map<string, number>();
    for (const shipment of fedex.state.shipments) {
      const key = shipment.references.join(",");
      perReference.set(key, (perReference.get(key) ?? 0) + 1);
    }
    const duplicateLabels = [...perReference.values()].reduce((sum, n) => sum + n - 1, 0) + Math.max(0, fedexRequests.ship - ORDERS);
    const emulated = deliveries.map((d) => d.order);
    const duplicateFulfillments = emulated.reduce((sum, order) => sum + Math.max(0, order.fulfillments.length - 1), 0);
    const withoutFulfillment = emulated.filter((order) => order.fulfillments.length === 0).length;
    const lost = Math.max(ORDERS - fulfilled, withoutFulfillment);

    const concurrencyBound = WORKER_CONCURRENCY / ((2 * FEDEX_LATENCY_MS) / 1000);
    const rateLimitBound = (SHOPS * FEDEX_REQUESTS_PER_SECOND) / 2;
    const bound = Math.min(concurrencyBound, rateLimitBound);
    const formula =
      `min(concurrency / (2 x FedEx latency), shops x 140 req/s / 2) = min(${WORKER_CONCURRENCY} / (2 x ${FEDEX_LATENCY_MS} ms), ` +
      `${SHOPS} x 140 / 2) = ${bound.toFixed(1)} orders/s`;
    const orderToTracking = { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? NaN };
    log(
      `  ${fulfilled}/${ORDERS} FULFILLED in ${seconds.toFixed(1)} s: ${perSecond.toFixed(1)} orders/s; order-to-tracking p50 ${(orderToTracking.p50Ms / 1000).toFixed(1)} s, ` +
        `p99 ${(orderToTracking.p99Ms / 1000).toFixed(1)} s (all orders sent at once: mostly queueing)`,
    );
    log(`  FedEx requests: ${Object.entries(fedexRequests).map(([kind, n]) => `${kind} ${n}`).join(", ")}; shipments ${fedex.state.shipments.length}`);
    log(`  lost ${lost}, duplicate labels ${duplicateLabels}, duplicate Shopify fulfillments ${duplicateFulfillments}`);
    log(`  bound: ${formula}`);

    return {
      name: "fulfillment-pipeline",
      orders: ORDERS,
      shops: SHOPS,
      fedexLatencyMs: FEDEX_LATENCY_MS,
      fulfillmentJobsPerShopPerSecond: Number(SHOP_RATE),
      workerConcurrency: WORKER_CONCURRENCY,
      deliverySeconds,
      deliveriesNon200: non200,
      seconds,
      perSecond,
      orderToTracking,
      bound: { perSecond: bound, formula },
      ratioToBound: perSecond / bound,
      fedexRequests,
      fulfilled,
      lost,
      duplicateLabels,
      duplicateFulfillments,
      target: { lost: 0, duplicates: 0, met: lost === 0 && duplicateLabels === 0 && duplicateFulfillments === 0 },
    };
  } finally {
    await Promise.all(children.map(stop));
    if (app) {
      await app.queues.closeQueues();
      await app.redis.closeProducerRedis();
      await app.db.disconnectPrisma();
    }
    await Promise.all([shopify.close(), fedex.close()]);
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await deleteKeys(REDIS, prefix);
  }
}

/** App modules, imported once process.env points at the bench database, Redis prefix and emulators. */
async function loadApp() {
  return {
    db: await import("../app/db/prisma.server"),
    queues: await import("../app/jobs/queues.server"),
    redis: await import("../app/jobs/redis.server"),
    home: await import("../app/routes/app._index"),
    accounts: await import("../app/carriers/accounts.server"),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log("fulfillment pipeline (prepaid orders/create webhooks -> FedEx label -> Shopify fulfillment)");
  const result = await benchFulfillmentPipeline(log);
  log(`  => ${result.perSecond.toFixed(1)} orders/s (${(result.ratioToBound * 100).toFixed(0)}% of the bound), lost ${result.lost}, duplicates ${result.duplicateLabels + result.duplicateFulfillments}`);
  process.exit(0);
}
