import { randomBytes, randomUUID } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { until } from "../support/until";

// Stock pushed to Shopify and WooCommerce by the real inventory worker, against the
// emulators over HTTP, on this run's PostgreSQL and Redis: coalescing, Shopify's
// compare-and-swap and idempotency keys, WooCommerce batches, the catalog import and
// the reconciliation of changes made on a channel.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-invsync-${randomBytes(3).toString("hex")}`;
const prefix = process.env.QUEUE_PREFIX;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  home: await import("~/routes/app._index"),
  sync: await import("~/inventory/channel-sync/index.server"),
  mapping: await import("~/inventory/channel-sync/shopify-inventory-mapping"),
  pushes: await import("~/inventory/push-requests.server"),
  credentials: await import("~/channels/woocommerce/credentials.server"),
  levelsRoute: await import("~/routes/webhooks.inventory_levels.update"),
  wooRoute: await import("~/routes/webhooks.woocommerce.$channelId"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
const stores: WooCommerceEmulator[] = [];
let routes: RouteServer;
let runtime: WorkerRuntime;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  Object.assign(process.env, {
    SHOPIFY_API_ORIGIN: shopify.url,
    WOOCOMMERCE_ALLOW_INSECURE_STORES: "1",
    QUEUE_RETRY: JSON.stringify({ inventory: { attempts: 4, backoffMs: 200 } }),
  });
  app = await loadApp();
  routes = await startRouteServer([
    [/^\/webhooks\/inventory_levels\/update$/, app.levelsRoute],
    [/^\/webhooks\/woocommerce\/(?<channelId>[^/]+)$/, app.wooRoute],
  ]);
  shopify.appUrl = routes.url;
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix,
    queues: ["inventory", "inbound"],
    handlers: app.handlers.jobHandlers,
    logger: silent,
    heartbeat: false,
    deadLetters: false,
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  for (const name of ["inventory", "inbound"] as const) await app.queues.getQueue(name).obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await Promise.all([shopify.close(), routes.close(), ...stores.map((store) => store.close())]);
});

/** No inventory job of the shop waiting, delayed or running. */
async function inventoryIdle(shopId: string) {
  await until(
    async () => (await app.queues.getQueue("inventory").getJobs(["waiting", "delayed", "active", "prioritized"])).filter((job) => job.data?.shopId === shopId).length,
    (pending) => pending === 0,
  );
}

/** A shop installed through token exchange against the emulator (so its offline token is real). */
async function installedShop() {
  const domain = `inv-${randomBytes(4).toString("hex")}.myshopify.com`;
  const emulated = shopify.state.addShop(domain);
  const request = await setUpValidRequest(
    { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}/app`),
  );
  await app.home.loader({ request, params: {}, context: {} });
  const shop = await app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain } });
  expect(shop.primaryLocationId).toBe(emulated.primaryLocationId);
  // The catalog import that install requested (of an empty shop here) runs now instead of at its window's end.
  const requested = (await app.queues.getQueue("inventory").getJobs(["delayed"])).filter((job) => job.data?.shopId === shop.id && job.name === "inventory.import-catalog");
  expect(requested).toHaveLength(1);
  await Promise.all(requested.map((job) => job.promote()));
  await inventoryIdle(shop.id);
  return { shop, emulated, db: app.db.forShop(shop.id) };
}

/** A WooCommerce store of its own (a store's catalog and webhooks are per store). */
async function newStore() {
  const publicOrigin = new URL(APP_URL).origin;
  const store = await startWooCommerceEmulator({ routeOutbound: (url) => url.replace(publicOrigin, routes.url) });
  stores.push(store);
  return store;
}

async function wooChannel(shopId: string, woo: WooCommerceEmulator, status = "CONNECTED") {
  const key = woo.state.issueKey({ permissions: "read_write" });
  const id = randomUUID();
  await app.db.forShop(shopId).channel.create({
    data: {
      id,
      shopId,
      type: "WOOCOMMERCE",
      externalId: woo.url,
      name: `woo-${id.slice(0, 4)}`,
      status,
      credentials: app.credentials.sealCredentials(id, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret }),
      webhookSecret: app.credentials.sealWebhookSecret(id, randomBytes(16).toString("hex")),
    },
  });
  return id;
}

interface ItemFields {
  sku: string;
  available: number;
  shopifyInventoryItemId?: string;
  wooChannelId?: string;
  wooProductId?: number;
  wooVariationId?: number;
  /** Already in step with its channels (syncedVersion = version). */
  synced?: boolean;
}

async function addItem(shopId: string, fields: ItemFields) {
  const { synced, ...data } = fields;
  return app.db.forShop(shopId).inventoryItem.create({ data: { shopId, ...data, version: 1, syncedVersion: synced ? 1 : 0 } });
}

/** A change of `available` the way inventory code makes it: the version moves with it. */
async function setLevel(shopId: string, itemId: string, available: number) {
  await app.db.pgPoolOf(app.db.getPrisma()).query(
    `UPDATE "InventoryItem" SET available = $3, version = version + 1, "updatedAt" = now() WHERE id = $1 AND "shopId" = $2`,
    [itemId, shopId, available],
  );
}

const itemOf = (shopId: string, id: string) => app.db.forShop(shopId).inventoryItem.findUniqueOrThrow({ where: { id } });
const inSync = (item: { version: number; syncedVersion: number }) => item.syncedVersion === item.version;

describe("pushing stock to the channels", () => {
  it("coalesces a burst of 100 changes into a handful of pushes; Shopify and WooCommerce end at Rappit's quantity, and the echoes change nothing", { timeout: 40_000 }, async () => {
    const { shop, emulated, db } = await installedShop();
    emulated.webhookSubscriptions.add("inventory_levels/update");
    const onShopify = emulated.inventory.addItem("BURST", emulated.primaryLocationId, 150);
    const woo = await newStore();
    const channelId = await wooChannel(shop.id, woo);
    const product = woo.state.createProduct({ sku: `BURST-${shop.id.slice(0, 6)}`, manage_stock: true, stock_quantity: 150 });
    const item = await addItem(shop.id, { sku: "BURST", available: 150, shopifyInventoryItemId: onShopify.id, wooChannelId: channelId, wooProductId: product.id, synced: true });

    const adjustmentsBefore = emulated.inventory.adjustments;
    const started = Date.now();
    for (let i = 1; i <= 100; i++) {
      await setLevel(shop.id, item.id, 150 - i);
      await app.pushes.requestInventoryPush(shop.id);
    }
    expect(Date.now() - started).toBeLessThan(5_000);

    const done = await until(() => itemOf(shop.id, item.id), (row) => inSync(row) && row.available === 50);
    expect(onShopify.available.get(emulated.primaryLocationId)).toBe(50);
    expect(woo.state.stockOf(product.id)).toBe(50);
    expect(done.syncError).toBeNull();
    const pushes = emulated.inventory.adjustments - adjustmentsBefore;
    expect(pushes).toBeGreaterThanOrEqual(1);
    expect(pushes).toBeLessThanOrEqual(10);

    // Each push echoes back as inventory_levels/update: none of them starts another push.
    await shopify.webhooksSettled();
    const events = await until(
      () => db.webhookEvent.findMany({ where: { topic: "INVENTORY_LEVELS_UPDATE" } }),
      (rows) => rows.length === pushes && rows.every((row) => row.processedAt !== null),
    );
    expect(events.every((event) => event.outcome === "stock:in-sync" || event.outcome === "stock:push-pending")).toBe(true);
    await inventoryIdle(shop.id);
    expect(emulated.inventory.adjustments - adjustmentsBefore).toBe(pushes);
    expect(inSync(await itemOf(shop.id, item.id))).toBe(true);
  });

  it("re-reads and corrects when Shopify's quantity changed between the read and the adjustment; fails the job when it keeps changing", { timeout: 20_000 }, async () => {
    const { shop, emulated } = await installedShop();
    const onShopify = emulated.inventory.addItem("STALE", emulated.primaryLocationId, 10);
    const item = await addItem(shop.id, { sku: "STALE", available: 7, shopifyInventoryItemId: onShopify.id });

    emulated.inventory.concurrentChanges = 2; // two stale answers, then it goes through
    const before = emulated.inventory.adjustments;
    const result = await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "stale-1" }, { logger: silent });
    expect(result).toMatchObject({ pushed: 1, failed: 0 });
    expect(onShopify.available.get(emulated.primaryLocationId)).toBe(7);
    expect(emulated.inventory.adjustments - before).toBe(1);
    expect(inSync(await itemOf(shop.id, item.id))).toBe(true);

    await setLevel(shop.id, item.id, 3);
    emulated.inventory.concurrentChanges = 50;
    try {
      await expect(app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "stale-2" }, { logger: silent })).rejects.toThrow(/kept changing/);
    } finally {
      emulated.inventory.concurrentChanges = 0;
    }
    // Left behind: the retried job (or the sweep) corrects it.
    expect(inSync(await itemOf(shop.id, item.id))).toBe(false);
    await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "stale-2" }, { logger: silent });
    expect(onShopify.available.get(emulated.primaryLocationId)).toBe(3);
    expect(inSync(await itemOf(shop.id, item.id))).toBe(true);
  });

  it("sends a lost adjustment again with the same key, and a retried job never applies a change twice", { timeout: 20_000 }, async () => {
    const { shop, emulated } = await installedShop();
    const onShopify = emulated.inventory.addItem("KEY", emulated.primaryLocationId, 20);
    const item = await addItem(shop.id, { sku: "KEY", available: 12, shopifyInventoryItemId: onShopify.id });
    const level = () => onShopify.available.get(emulated.primaryLocationId);

    // The answer is lost once: the same request goes again, Shopify answers the first result.
    shopify.state.faults.dropAdjustAnswers = 1;
    const keysBefore = emulated.inventory.keysSeen.length;
    const adjustmentsBefore = emulated.inventory.adjustments;
    await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "key-1" }, { logger: silent });
    const keys = emulated.inventory.keysSeen.slice(keysBefore);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(emulated.inventory.adjustments - adjustmentsBefore).toBe(1);
    expect(level()).toBe(12);

    // Every answer lost: the job fails after the change was applied; its retry (same job id) applies nothing more.
    await setLevel(shop.id, item.id, 5);
    shopify.state.faults.dropAdjustAnswers = 10;
    try {
      await expect(app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "key-2" }, { logger: silent })).rejects.toThrow();
    } finally {
      shopify.state.faults.dropAdjustAnswers = 0;
    }
    expect(level()).toBe(5);
    const retriedKeys = emulated.inventory.keysSeen.slice(keysBefore + 2);
    expect(new Set(retriedKeys).size).toBe(1); // one key for every resend of the same change
    expect(inSync(await itemOf(shop.id, item.id))).toBe(false);
    await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "key-2" }, { logger: silent });
    expect(level()).toBe(5);
    expect(emulated.inventory.adjustments - adjustmentsBefore).toBe(2);
    expect(inSync(await itemOf(shop.id, item.id))).toBe(true);

    // The key is a function of the job and of exactly what it asks.
    const change = { delta: -2, inventoryItemId: onShopify.id, locationId: emulated.primaryLocationId, changeFromQuantity: 5, version: 3 };
    expect(app.mapping.idempotencyKey("job-a", [change])).toBe(app.mapping.idempotencyKey("job-a", [change]));
    expect(app.mapping.idempotencyKey("job-b", [change])).not.toBe(app.mapping.idempotencyKey("job-a", [change]));
    expect(app.mapping.idempotencyKey("job-a", [{ ...change, changeFromQuantity: 6 }])).not.toBe(app.mapping.idempotencyKey("job-a", [change]));
  });

  it("records a WooCommerce item the store refuses and leaves it behind, while the other items sync", { timeout: 20_000 }, async () => {
    const { shop } = await installedShop();
    const woo = await newStore();
    const channelId = await wooChannel(shop.id, woo);
    const good = woo.state.createProduct({ sku: `GOOD-${shop.id.slice(0, 6)}`, manage_stock: true, stock_quantity: 1 });
    const variable = woo.state.createProduct({ sku: `VAR-${shop.id.slice(0, 6)}`, type: "variable" });
    const variation = woo.state.createVariation(variable.id, { sku: `VAR-${shop.id.slice(0, 6)}-M`, manage_stock: true, stock_quantity: 2 });
    const ok = await addItem(shop.id, { sku: "GOOD", available: 8, wooChannelId: channelId, wooProductId: good.id });
    const okVariation = await addItem(shop.id, { sku: "VAR-M", available: 4, wooChannelId: channelId, wooProductId: variable.id, wooVariationId: variation.id });
    const gone = await addItem(shop.id, { sku: "GONE", available: 3, wooChannelId: channelId, wooProductId: 987_654 });

    const result = await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "woo-1" }, { logger: silent });
    expect(result).toMatchObject({ pushed: 2, failed: 1 });
    expect(woo.state.stockOf(good.id)).toBe(8);
    expect(woo.state.stockOf(variation.id)).toBe(4);
    expect(await itemOf(shop.id, ok.id)).toMatchObject({ syncedVersion: 1, syncError: null });
    expect(inSync(await itemOf(shop.id, okVariation.id))).toBe(true);
    const failed = await itemOf(shop.id, gone.id);
    expect(inSync(failed)).toBe(false);
    expect(failed.syncError).toMatch(/WooCommerce .*Invalid ID/);
  });

  it("skips a disconnected store (noted, not retried) and holds items back for a store that needs re-authentication", { timeout: 20_000 }, async () => {
    const { shop } = await installedShop();
    const woo = await newStore();
    const other = await newStore();
    const disconnected = await wooChannel(shop.id, woo, "DISCONNECTED");
    const reauth = await wooChannel(shop.id, other, "NEEDS_REAUTH");
    const p1 = woo.state.createProduct({ sku: `DISC-${shop.id.slice(0, 6)}`, manage_stock: true, stock_quantity: 30 });
    const p2 = other.state.createProduct({ sku: `REAU-${shop.id.slice(0, 6)}`, manage_stock: true, stock_quantity: 30 });
    const a = await addItem(shop.id, { sku: "DISC", available: 5, wooChannelId: disconnected, wooProductId: p1.id });
    const b = await addItem(shop.id, { sku: "REAU", available: 6, wooChannelId: reauth, wooProductId: p2.id });

    await app.sync.runInventoryPush({ shopId: shop.id }, { jobId: "skip-1" }, { logger: silent });
    expect(woo.state.stockOf(p1.id)).toBe(30);
    expect(other.state.stockOf(p2.id)).toBe(30);
    const skipped = await itemOf(shop.id, a.id);
    expect(inSync(skipped)).toBe(true);
    expect(skipped.syncError).toMatch(/disconnected/);
    const held = await itemOf(shop.id, b.id);
    expect(inSync(held)).toBe(false);
    expect(held.syncError).toMatch(/reconnect/);
  });

  it("sweeps: a shop whose items are behind with no push requested gets one", { timeout: 20_000 }, async () => {
    const { shop, emulated } = await installedShop();
    const onShopify = emulated.inventory.addItem("SWEPT", emulated.primaryLocationId, 2);
    const item = await addItem(shop.id, { sku: "SWEPT", available: 9, shopifyInventoryItemId: onShopify.id });
    const swept = await app.sync.runInventoryPushSweep();
    expect(swept.shops).toBeGreaterThanOrEqual(1);
    await until(() => itemOf(shop.id, item.id), inSync);
    expect(onShopify.available.get(emulated.primaryLocationId)).toBe(9);
  });
});

describe("catalog import", () => {
  it("creates items from the first channel that has the SKU (Shopify, then WooCommerce), maps the others, and changes nothing when run again", { timeout: 30_000 }, async () => {
    const { shop, emulated, db } = await installedShop();
    const tag = shop.id.slice(0, 6);
    const a = emulated.inventory.addItem(`A-${tag}`, emulated.primaryLocationId, 5, { productTitle: "Mug" });
    const b = emulated.inventory.addItem(`B-${tag}`, emulated.primaryLocationId, -2, { productTitle: "Tee", variantTitle: "M" });
    emulated.inventory.addItem(`U-${tag}`, emulated.primaryLocationId, 4, { tracked: false });
    const woo = await newStore();
    const channelId = await wooChannel(shop.id, woo);
    const wooB = woo.state.createProduct({ sku: `B-${tag}`, manage_stock: true, stock_quantity: 9 });
    const wooOnly = woo.state.createProduct({ sku: `W-${tag}`, name: "Poster", manage_stock: true, stock_quantity: 4 });
    const parent = woo.state.createProduct({ sku: `V-${tag}`, type: "variable", name: "Cap" });
    const variation = woo.state.createVariation(parent.id, { sku: `V-${tag}-1`, manage_stock: true, stock_quantity: 3 });

    const first = await app.sync.runCatalogImport({ shopId: shop.id }, { logger: silent });
    expect(first.channels).toEqual([
      expect.objectContaining({ channel: "shopify", created: 2 }),
      expect.objectContaining({ channel: `woocommerce:${channelId}`, created: 2, mapped: 1 }),
    ]);
    const items = await db.inventoryItem.findMany({ orderBy: { sku: "asc" } });
    expect(items.map((i) => [i.sku, i.available])).toEqual([
      [`A-${tag}`, 5],
      [`B-${tag}`, 0], // oversold on Shopify: Rappit never goes below zero
      [`V-${tag}-1`, 3],
      [`W-${tag}`, 4],
    ]);
    expect(items.find((i) => i.sku === `A-${tag}`)).toMatchObject({ shopifyInventoryItemId: a.id, shopifyLocationId: emulated.primaryLocationId, title: "Mug", wooProductId: null });
    expect(items.find((i) => i.sku === `B-${tag}`)).toMatchObject({ shopifyInventoryItemId: b.id, wooChannelId: channelId, wooProductId: wooB.id, title: "Tee - M" });
    expect(items.find((i) => i.sku === `V-${tag}-1`)).toMatchObject({ wooChannelId: channelId, wooProductId: parent.id, wooVariationId: variation.id });
    expect(items.find((i) => i.sku === `W-${tag}`)).toMatchObject({ wooProductId: wooOnly.id, wooVariationId: null, title: "Poster" });
    const movements = await db.inventoryMovement.findMany({ where: { reason: "SYNC" }, orderBy: { sku: "asc" } });
    expect(movements.map((m) => [m.sku, m.delta, m.reference])).toEqual([
      [`A-${tag}`, 5, "catalog:shopify"],
      [`B-${tag}`, 0, "catalog:shopify"],
      [`V-${tag}-1`, 3, `catalog:woocommerce:${channelId}`],
      [`W-${tag}`, 4, `catalog:woocommerce:${channelId}`],
    ]);
    // The store now tells Rappit about stock edits.
    expect([...woo.state.webhooks.values()].filter((hook) => hook.topic === "product.updated" && hook.delivery_url.endsWith(channelId))).toHaveLength(1);

    // The push the import requested sends Rappit's quantity where the channel differs.
    await until(() => db.inventoryItem.findMany(), (rows) => rows.length === 4 && rows.every(inSync));
    expect(woo.state.stockOf(wooB.id)).toBe(0);
    expect(b.available.get(emulated.primaryLocationId)).toBe(0);

    const versions = (await db.inventoryItem.findMany({ orderBy: { sku: "asc" } })).map((i) => i.version);
    const again = await app.sync.runCatalogImport({ shopId: shop.id }, { logger: silent });
    expect(again.channels?.map((c) => [c.created, c.mapped])).toEqual([[0, 0], [0, 0]]);
    expect((await db.inventoryItem.findMany({ orderBy: { sku: "asc" } })).map((i) => i.version)).toEqual(versions);
    expect(await db.inventoryMovement.count({ where: { reason: "SYNC" } })).toBe(4);
    expect([...woo.state.webhooks.values()].filter((hook) => hook.topic === "product.updated" && hook.delivery_url.endsWith(channelId))).toHaveLength(1);
    await inventoryIdle(shop.id);
  });

  it("gives a SKU Rappit already manages Rappit's quantity when it appears on a new channel", { timeout: 20_000 }, async () => {
    const { shop, db } = await installedShop();
    const tag = shop.id.slice(0, 6);
    const item = await addItem(shop.id, { sku: `NEW-${tag}`, available: 12, synced: true });
    const woo = await newStore();
    const channelId = await wooChannel(shop.id, woo);
    const product = woo.state.createProduct({ sku: `NEW-${tag}`, manage_stock: true, stock_quantity: 30 });

    await app.sync.runCatalogImport({ shopId: shop.id }, { logger: silent });
    const mapped = await itemOf(shop.id, item.id);
    expect(mapped).toMatchObject({ available: 12, wooChannelId: channelId, wooProductId: product.id, version: 2 });
    expect(await db.inventoryMovement.count({ where: { inventoryItemId: item.id } })).toBe(0);
    await until(() => itemOf(shop.id, item.id), inSync);
    expect(woo.state.stockOf(product.id)).toBe(12);
  });
});

describe("changes made on a channel", () => {
  it("corrects Shopify when inventory_levels/update reports another quantity, and does nothing when it matches", { timeout: 30_000 }, async () => {
    const { shop, emulated, db } = await installedShop();
    emulated.webhookSubscriptions.add("inventory_levels/update");
    const onShopify = emulated.inventory.addItem("EDIT", emulated.primaryLocationId, 10);
    const item = await addItem(shop.id, { sku: "EDIT", available: 10, shopifyInventoryItemId: onShopify.id, synced: true });
    const outcomes = async () => (await db.webhookEvent.findMany({ where: { topic: "INVENTORY_LEVELS_UPDATE" }, orderBy: { receivedAt: "asc" } })).map((e) => e.outcome);

    // Same value (a delivery of what Rappit already has): nothing happens.
    const numeric = (gid: string) => Number(gid.split("/").pop());
    const payload = { inventory_item_id: numeric(onShopify.id), location_id: numeric(emulated.primaryLocationId), available: 10, updated_at: new Date().toISOString() };
    expect((await shopify.webhooks.deliver({ topic: "inventory_levels/update", shop: shop.domain, payload })).status).toBe(200);
    expect(await until(outcomes, (list) => list.length === 1 && list[0] !== null)).toEqual(["stock:in-sync"]);
    expect((await itemOf(shop.id, item.id)).version).toBe(1);

    // The merchant sets 15 in the Shopify admin: Rappit's 10 goes back.
    const adjustmentsBefore = emulated.inventory.adjustments;
    emulated.inventory.setAvailable(onShopify.id, emulated.primaryLocationId, 15);
    await until(outcomes, (list) => list.length >= 2 && list[1] !== null);
    expect((await outcomes())[1]).toBe("stock:corrected");
    await until(async () => onShopify.available.get(emulated.primaryLocationId), (quantity) => quantity === 10);
    await until(() => itemOf(shop.id, item.id), inSync);
    // The correction's own echo matches Rappit: no further push.
    await shopify.webhooksSettled();
    await until(outcomes, (list) => list.length === 3 && list.every((o) => o !== null));
    expect((await outcomes())[2]).toBe("stock:in-sync");
    await inventoryIdle(shop.id);
    expect(emulated.inventory.adjustments - adjustmentsBefore).toBe(1);
    expect(await itemOf(shop.id, item.id)).toMatchObject({ available: 10, version: 2 });

    // A level at another location is not Rappit's to keep; an unknown item is not managed.
    expect(await app.sync.reconcileShopifyLevel(db, { ...payload, location_id: 424242, available: 1 })).toBe("other-location");
    expect(await app.sync.reconcileShopifyLevel(db, { ...payload, inventory_item_id: 1, available: 1 })).toBe("not-managed");
  });

  it("corrects WooCommerce when product.updated reports another stock quantity", { timeout: 30_000 }, async () => {
    const { shop, db } = await installedShop();
    const tag = shop.id.slice(0, 6);
    const woo = await newStore();
    const channelId = await wooChannel(shop.id, woo);
    const product = woo.state.createProduct({ sku: `WEDIT-${tag}`, manage_stock: true, stock_quantity: 6 });
    // The import maps the product and subscribes the store to product.updated.
    await app.sync.runCatalogImport({ shopId: shop.id }, { logger: silent });
    const item = await db.inventoryItem.findFirstOrThrow({ where: { sku: `WEDIT-${tag}` } });
    await until(() => itemOf(shop.id, item.id), inSync);
    await inventoryIdle(shop.id);
    // WooCommerce's product webhooks are de-duplicated per resource and second (date_modified_gmt):
    // the merchant's edit comes a second after the push's own echo, as it would in real life.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    await woo.state.setStock(product.id, 40);
    await until(() => db.webhookEvent.findMany({ where: { channelId, topic: "product.updated" } }), (rows) => rows.some((row) => row.outcome === "stock:corrected"));
    await until(async () => woo.state.stockOf(product.id), (quantity) => quantity === 6);
    await until(() => itemOf(shop.id, item.id), inSync);
    // The correction's own product.updated reports Rappit's 6: no further push.
    await woo.webhooks.settled();
    await until(() => db.webhookEvent.findMany({ where: { channelId } }), (rows) => rows.every((row) => row.processedAt !== null));
    await inventoryIdle(shop.id);
    const deliveries = woo.webhooks.deliveries.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(woo.webhooks.deliveries.length).toBe(deliveries);
    expect((await db.webhookEvent.findMany({ where: { channelId, outcome: "stock:corrected" } })).length).toBe(1);
    expect(await itemOf(shop.id, item.id)).toMatchObject({ available: 6 });
  });
});
