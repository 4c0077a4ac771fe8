import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";

// Reconciliation against the Shopify emulator's GraphQL Admin API, through the
// app's real token handling and ingestion path.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  admin: await import("~/shopify/offline-admin.server"),
  reconcile: await import("~/orders/shopify-reconciliation.server"),
  jobs: await import("~/orders/reconciliation-jobs.server"),
  home: await import("~/routes/app._index"),
  uninstalled: await import("~/routes/webhooks.app.uninstalled"),
});
let emulator: ShopifyEmulator;
let app: Awaited<ReturnType<typeof loadApp>>;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  emulator = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  process.env.SHOPIFY_API_ORIGIN = emulator.url;
  app = await loadApp();
});

afterAll(async () => {
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await emulator.close();
});

async function install() {
  const domain = `rec-${randomBytes(4).toString("hex")}.myshopify.com`;
  emulator.state.addShop(domain);
  const request = await setUpValidRequest(
    { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}/app`),
  );
  await app.home.loader({ request, params: {}, context: {} });
  return app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain } });
}

async function reconcile(shop: { id: string; domain: string }) {
  return app.reconcile.reconcileShopifyOrders({
    db: app.db.getPrisma(),
    shopId: shop.id,
    client: await app.admin.offlineAdminClient(shop.domain),
    logger: silent,
  });
}

describe("order reconciliation", () => {
  it("picks up orders whose webhooks never came, then only what changed since", { timeout: 60_000 }, async () => {
    const shop = await install();
    for (let i = 0; i < 25; i++) {
      // Three pages of 10, placed a minute apart over the last half hour.
      const at = new Date(Date.now() - (30 - i) * 60_000).toISOString();
      emulator.state.createOrder(shop.domain, { createdAt: at, updatedAt: at });
    }
    const first = await reconcile(shop);
    expect(first).toMatchObject({ fetched: 25, outcomes: { created: 25, updated: 0, stale: 0 } });
    const orders = app.db.forShop(shop.id).order;
    expect(await orders.count()).toBe(25);
    const sample = await orders.findFirstOrThrow({ include: { lines: true } });
    expect(sample).toMatchObject({ cod: true, financialStatus: "pending", currency: "USD" });
    // The same address shape as a webhook's, country code included (labels need it).
    expect(sample.shippingAddress).toMatchObject({ address1: "1 Main St", city: "Springfield", province_code: "IL", country_code: "US", zip: "62701" });
    expect(sample.lines).toHaveLength(1);

    // Later: one order paid in the admin (its webhook lost), one new order.
    const paid = emulator.state.shops.get(shop.domain)!.orders[5];
    emulator.state.updateOrder(shop.domain, paid.id, { financialStatus: "paid" });
    emulator.state.createOrder(shop.domain);
    const second = await reconcile(shop);
    expect(second.outcomes.created).toBe(1);
    expect(second.outcomes.updated).toBeGreaterThanOrEqual(1);
    // Only what changed since the watermark (>= re-reads the newest order of the last run).
    expect(second.fetched).toBe(3);
    expect((await orders.findFirstOrThrow({ where: { externalOrderId: String(paid.id) } })).financialStatus).toBe("paid");
  });

  it("waits out Shopify's cost throttle instead of failing", async () => {
    const shop = await install();
    emulator.state.createOrder(shop.domain);
    emulator.graphql.drain(shop.domain);
    const started = Date.now();
    expect((await reconcile(shop)).fetched).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(500); // it waited for the bucket to refill
  }, 60_000);

  it("is scheduled per shop at install and unscheduled at uninstall", async () => {
    const shop = await install();
    const schedulers = async () => (await app.queues.getQueue("sync").getJobSchedulers()).map((s) => s.key);
    expect(await schedulers()).toContain(`reconcile-${shop.id}`);

    const body = JSON.stringify({ id: 1 });
    const { getHmac } = await import("@shopify/shopify-api/test-helpers");
    const request = new Request(`${APP_URL}/webhooks/app/uninstalled`, {
      method: "POST",
      body,
      headers: {
        "X-Shopify-Hmac-Sha256": getHmac(body, API_SECRET_KEY),
        "X-Shopify-Topic": "app/uninstalled",
        "X-Shopify-Shop-Domain": shop.domain,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomBytes(8).toString("hex"),
      },
    });
    expect((await app.uninstalled.action({ request, params: {}, context: {} })).status).toBe(200);
    expect(await schedulers()).not.toContain(`reconcile-${shop.id}`);
    expect(await app.jobs.runReconcileJob({ shopId: shop.id })).toEqual({ skipped: "shop not installed" });
  });
});
