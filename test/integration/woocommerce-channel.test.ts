import { randomBytes } from "node:crypto";
import { APP_URL } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { startRouteServer, type RouteServer } from "../support/route-server";

// Connecting a WooCommerce store end to end: the page's action, the emulator's grant
// page and its server-to-server key callback over real HTTP, the return into the
// app, then webhooks and the poll, on this run's PostgreSQL and Redis.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  connections: await import("~/routes/app.connections"),
  callback: await import("~/routes/integrations.woocommerce.callback"),
  returned: await import("~/routes/integrations.woocommerce.return"),
  webhook: await import("~/routes/webhooks.woocommerce.$channelId"),
  jobs: await import("~/channels/woocommerce/channel-jobs.server"),
  address: await import("~/channels/woocommerce/store-address.server"),
  process: await import("~/webhooks/process-event.server"),
  shops: await import("../factories/shop.factory"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let routes: RouteServer;
let store: WooCommerceEmulator;

beforeAll(async () => {
  // The emulator is plain http on loopback: the development setting lets it through.
  process.env.WOOCOMMERCE_ALLOW_INSECURE_STORES = "1";
  app = await loadApp();
  routes = await startRouteServer([
    [/^\/integrations\/woocommerce\/callback$/, app.callback],
    [/^\/integrations\/woocommerce\/return$/, app.returned],
    [/^\/webhooks\/woocommerce\/(?<channelId>[^/]+)$/, app.webhook],
  ]);
  // The store calls the app's public https URL; on loopback that is the route server.
  const publicOrigin = new URL(APP_URL).origin;
  store = await startWooCommerceEmulator({ routeOutbound: (url) => url.replace(publicOrigin, routes.url) });
});

afterAll(async () => {
  await store.close();
  await routes.close();
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

async function submit(shopDomain: string, fields: Record<string, string>) {
  const request = await app.requests.adminRequest(shopDomain, "/app/connections", { method: "POST", body: new URLSearchParams(fields) });
  return app.requests.settle(() => app.connections.action({ request, params: {}, context: {} }));
}

async function page(shopDomain: string, query = "") {
  const request = await app.requests.adminRequest(shopDomain, `/app/connections${query}`);
  const response = await app.requests.settle(() => app.connections.loader({ request, params: {}, context: {} }));
  return (await response.json()) as {
    outcome: { kind: string; store?: string; status?: string } | null;
    channels: Array<{ id: string; type: string; status: string; lastError: string | null; webhooks: number; verified: boolean }>;
  };
}

/** The URL the page sends the merchant to (an App Bridge top-level redirect). */
function authorizeUrlOf(response: Response): string {
  const url = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url") ?? response.headers.get("Location");
  if (!url) throw new Error(`no redirect in a ${response.status} answer`);
  return url;
}

async function startConnect(shopDomain: string) {
  const response = await submit(shopDomain, { intent: "connect", storeUrl: store.url });
  const authorizeUrl = authorizeUrlOf(response);
  expect(authorizeUrl.startsWith(`${store.url}/wc-auth/v1/authorize?`)).toBe(true);
  return authorizeUrl;
}

async function returnToApp(location: string): Promise<string> {
  const request = new Request(location);
  const response = await app.requests.settle(() => app.returned.loader({ request, params: {}, context: {} }));
  expect(response.status).toBe(302);
  return response.headers.get("Location")!;
}

async function connectedShop() {
  const shop = await app.shops.buildShop();
  const approved = await store.approve(await startConnect(shop.domain));
  expect(approved.status).toBe(302);
  const back = await returnToApp(approved.location!);
  const db = app.db.forShop(shop.id);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "WOOCOMMERCE" } });
  return { shop, db, channel, back };
}

async function processPending(shopId: string) {
  const events = await app.db.forShop(shopId).webhookEvent.findMany({ where: { processedAt: null }, orderBy: { receivedAt: "asc" } });
  const outcomes = [];
  for (const event of events) outcomes.push((await app.process.processInboundEvent({ shopId, eventRowId: event.id })).outcome);
  return outcomes;
}

describe("connecting a WooCommerce store (wc-auth)", () => {
  it("stores the keys encrypted on approval, audits it, and shows the store connected", async () => {
    const { shop, db, channel, back } = await connectedShop();
    const attemptId = new URL(back).searchParams.get("attempt");
    expect(back).toBe(`https://admin.shopify.com/store/${shop.domain.replace(".myshopify.com", "")}/apps/rappit/app/connections?attempt=${attemptId}`);

    expect(channel).toMatchObject({ status: "CONNECTED", externalId: store.url });
    expect(channel.credentials).toMatch(/^enc:v1:/);
    const issued = [...store.state.keys.values()].at(-1)!;
    const rows = await app.db.getPrisma().$queryRaw<Array<{ row: string }>>`SELECT c::text AS row FROM "Channel" c WHERE id = ${channel.id}::uuid`;
    expect(rows[0].row).not.toContain(issued.consumerKey);
    expect(rows[0].row).not.toContain(issued.consumerSecret);

    const audit = await db.auditLog.findMany({ where: { action: "CHANNEL_CONNECTED", subjectId: channel.id } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(issued.consumerSecret);

    const shown = await page(shop.domain, `?attempt=${attemptId}`);
    expect(shown.outcome).toMatchObject({ kind: "connected", store: store.url });
    expect(shown.channels.find((c) => c.id === channel.id)).toMatchObject({ status: "CONNECTED" });
  });

  it("refuses a replayed callback for a used attempt and stores nothing", async () => {
    const { db, channel } = await connectedShop();
    const before = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    const last = store.state.callbacks.at(-1)!;
    const replay = await fetch(`${routes.url}/integrations/woocommerce/callback`, {
      method: "POST",
      headers: { "Content-Type": "application/json;charset=UTF-8" },
      body: JSON.stringify({ ...JSON.parse(last.body), consumer_key: `ck_${"a".repeat(40)}`, consumer_secret: `cs_${"b".repeat(40)}` }),
    });
    expect(replay.status).toBe(409);
    expect((await db.channel.findUniqueOrThrow({ where: { id: channel.id } })).credentials).toBe(before.credentials);
  });

  it("refuses unknown and malformed callbacks with a 4xx", async () => {
    const post = (body: string) =>
      fetch(`${routes.url}/integrations/woocommerce/callback`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect((await post("not json")).status).toBe(400);
    expect((await post(JSON.stringify({ user_id: "x" }))).status).toBe(400);
    const unknown = await post(
      JSON.stringify({ key_id: 1, user_id: 12345, consumer_key: `ck_${"a".repeat(40)}`, consumer_secret: `cs_${"b".repeat(40)}`, key_permissions: "read_write" }),
    );
    expect(unknown.status).toBe(404);
    expect((await fetch(`${routes.url}/integrations/woocommerce/callback`)).status).toBe(405);
  });

  it("shows the denied banner when the merchant denies, and stores nothing", async () => {
    const shop = await app.shops.buildShop();
    const denied = await store.deny(await startConnect(shop.domain));
    const back = await returnToApp(denied.location);
    const shown = await page(shop.domain, `?attempt=${new URL(back).searchParams.get("attempt")}`);
    expect(shown.outcome).toMatchObject({ kind: "denied" });
    expect(shown.channels.filter((c) => c.type === "WOOCOMMERCE")).toEqual([]);
  });

  it("keeps nothing when our callback cannot accept the keys (expired attempt): the store deletes them", async () => {
    const shop = await app.shops.buildShop();
    const authorizeUrl = await startConnect(shop.domain);
    await app.db.forShop(shop.id).channelConnectAttempt.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const keysBefore = store.state.keys.size;
    const approved = await store.approve(authorizeUrl);
    expect(approved.status).toBe(401); // WooCommerce's error page: the keys were deleted
    expect(store.state.callbacks.at(-1)!.status).toBe(410);
    expect(store.state.keys.size).toBe(keysBefore);
    expect(await app.db.forShop(shop.id).channel.count({ where: { type: "WOOCOMMERCE" } })).toBe(0);
  });

  it("says the callback never arrived when the store approved but could not reach us", async () => {
    const shop = await app.shops.buildShop();
    const authorizeUrl = await startConnect(shop.domain);
    const url = new URL(authorizeUrl);
    // The store sends the merchant back with success=1, but no keys ever came.
    const back = await returnToApp(`${APP_URL}/integrations/woocommerce/return?success=1&user_id=${encodeURIComponent(url.searchParams.get("user_id")!)}`);
    const shown = await page(shop.domain, `?attempt=${new URL(back).searchParams.get("attempt")}`);
    expect(shown.outcome).toMatchObject({ kind: "no-callback" });
  });

  it("refuses loopback, private and plain-http stores without the development setting", async () => {
    const check = (input: string) => app.address.checkStoreAddress(input, { allowInsecure: false });
    expect(await check(store.url)).toMatchObject({ ok: false, message: expect.stringContaining("https://") });
    expect(await check("https://127.0.0.1:8443")).toMatchObject({ ok: false, message: expect.stringContaining("private or local") });
    expect(await check("https://169.254.169.254")).toMatchObject({ ok: false, message: expect.stringContaining("private or local") });
    expect(await check("https://localhost")).toMatchObject({ ok: false, message: expect.stringContaining("private or local") });
    const page = await submit((await app.shops.buildShop()).domain, { intent: "connect", storeUrl: "ftp://shop.example.com" });
    expect(page.status).toBe(400);
    expect(await page.json()).toMatchObject({ field: "storeUrl" });
  });
});

describe("a connected WooCommerce store", () => {
  it("sets up signed webhooks, and an order.created delivery becomes one order", async () => {
    const { shop, db, channel } = await connectedShop();
    expect(await app.jobs.runChannelSetup({ shopId: shop.id, channelId: channel.id })).toMatchObject({ verified: true, webhooks: 2 });
    const hooks = [...store.state.webhooks.values()].filter((hook) => hook.delivery_url.endsWith(`/webhooks/woocommerce/${channel.id}`));
    expect(hooks.map((hook) => hook.topic).sort()).toEqual(["order.created", "order.updated"]);
    expect(store.state.pings.filter((ping) => hooks.some((hook) => hook.id === ping.webhookId)).map((ping) => ping.status)).toEqual([200, 200]);
    const stored = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(stored.webhookSecret).toMatch(/^enc:v1:/);
    expect(stored.verifiedAt).not.toBeNull();

    const order = await store.state.createOrder({ payment_method: "cod" });
    await store.state.createOrder({ payment_method: "stripe", set_paid: true });
    expect(await processPending(shop.id)).toEqual(["created", "created"]);
    const mine = await db.order.findFirstOrThrow({ where: { externalOrderId: String(order.id) } });
    expect(mine).toMatchObject({ channelId: channel.id, cod: true, paymentGateway: "cod" });
  });

  it("answers the creation ping, refuses a bad signature, and records a duplicate delivery once", async () => {
    const { shop, db, channel } = await connectedShop();
    await app.jobs.runChannelSetup({ shopId: shop.id, channelId: channel.id });
    const url = `${routes.url}/webhooks/woocommerce/${channel.id}`;
    const ping = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "webhook_id=7" });
    expect(ping.status).toBe(200);

    const order = await store.state.createOrder({}, { deliver: false });
    const forged = await store.webhooks.deliverForged("order.updated", order.id);
    expect(forged.every((delivery) => delivery.status === 401)).toBe(true);

    const [first] = await store.webhooks.deliver("order.updated", order.id);
    expect(first.status).toBe(200);
    const again = await store.webhooks.redeliver(first);
    expect(again.status).toBe(200);
    expect(await db.webhookEvent.count({ where: { channelId: channel.id } })).toBe(1);
    expect(await processPending(shop.id)).toEqual(["created"]);
    expect(await db.order.count({ where: { channelId: channel.id } })).toBe(1);
  });

  it("imports an order whose webhook was lost on the next poll, once", async () => {
    const { shop, db, channel } = await connectedShop();
    const lost = await store.state.createOrder({ payment_method: "cod" }, { deliver: false });
    expect(await app.jobs.runOrderPoll({ shopId: shop.id, channelId: channel.id })).toMatchObject({ outcomes: { created: expect.any(Number) } });
    expect(await db.order.count({ where: { channelId: channel.id, externalOrderId: String(lost.id) } })).toBe(1);
    // The next poll reads from the watermark (minus the overlap) and converges.
    await app.jobs.runOrderPoll({ shopId: shop.id, channelId: channel.id });
    expect(await db.order.count({ where: { channelId: channel.id, externalOrderId: String(lost.id) } })).toBe(1);
  });

  it("marks the store Needs re-auth when its keys are revoked, and the page shows it", async () => {
    const { shop, channel } = await connectedShop();
    store.state.revokeKeys();
    try {
      expect(await app.jobs.runOrderPoll({ shopId: shop.id, channelId: channel.id })).toMatchObject({ needsReauth: true });
    } finally {
      store.state.unrevokeKeys?.();
    }
    const shown = await page(shop.domain);
    expect(shown.channels.find((c) => c.id === channel.id)).toMatchObject({ status: "NEEDS_REAUTH" });
  });

  it("disconnects: keys and webhook secret deleted, audited, later deliveries refused", async () => {
    const { shop, db, channel } = await connectedShop();
    await app.jobs.runChannelSetup({ shopId: shop.id, channelId: channel.id });
    const ours = [...store.state.webhooks.values()].filter((hook) => hook.delivery_url.endsWith(`/webhooks/woocommerce/${channel.id}`));
    expect(ours).toHaveLength(2);
    const response = await submit(shop.domain, { intent: "disconnect", channelId: channel.id });
    expect(response.status).toBe(200);
    // The store's webhooks were removed while the keys still worked.
    expect(ours.every((hook) => !store.state.webhooks.has(hook.id))).toBe(true);
    const stored = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(stored).toMatchObject({ status: "DISCONNECTED", credentials: null, webhookSecret: null });
    expect(await db.auditLog.count({ where: { action: "CHANNEL_DISCONNECTED", subjectId: channel.id } })).toBe(1);
    expect(await app.jobs.runOrderPoll({ shopId: shop.id, channelId: channel.id })).toMatchObject({ skipped: expect.any(String) });

    const other = await submit(shop.domain, { intent: "disconnect", channelId: randomBytes(4).toString("hex") });
    expect(other.status).toBe(404);
  });
});

describe("writing to a connected store", () => {
  it("sets stock through batches of at most 100 and reports each item's own error", async () => {
    const { channel } = await connectedShop();
    const simple = Array.from({ length: 150 }, (_, i) => store.state.createProduct({ sku: `BULK-${channel.id.slice(0, 8)}-${i}`, manage_stock: true, stock_quantity: 0 }));
    const parent = store.state.createProduct({ type: "variable", sku: `VAR-${channel.id.slice(0, 8)}` });
    const variation = store.state.createVariation(parent.id, { manage_stock: true, stock_quantity: 1 });
    const client = (await import("~/channels/woocommerce/credentials.server")).wooClientFor(
      await app.db.forShop(channel.shopId).channel.findUniqueOrThrow({ where: { id: channel.id } }),
    );

    const results = await client.setStock([
      ...simple.map((product, i) => ({ productId: product.id, quantity: i })),
      { productId: 987_654_321, quantity: 3 },
      { productId: parent.id, variationId: variation.id, quantity: 9 },
    ]);
    // More than 100 items in one request would be a 413: every item went through.
    expect(results.slice(0, 150).every((result) => result.ok)).toBe(true);
    expect(results[150]).toMatchObject({ productId: 987_654_321, ok: false, code: "woocommerce_rest_product_invalid_id" });
    expect(results[151]).toMatchObject({ productId: parent.id, variationId: variation.id, ok: true });
    expect(store.state.stockOf(simple[149].id)).toBe(149);
    expect(store.state.stockOf(variation.id)).toBe(9);
  });

  it("completes a shipped order with its tracking, or with a customer note on a store without fulfillments", async () => {
    const { channel } = await connectedShop();
    const client = (await import("~/channels/woocommerce/credentials.server")).wooClientFor(
      await app.db.forShop(channel.shopId).channel.findUniqueOrThrow({ where: { id: channel.id } }),
    );
    const tracking = { company: "FedEx", number: "794612345678", url: "https://www.fedex.com/fedextrack/?trknbr=794612345678" };

    const modern = await store.state.createOrder({}, { deliver: false });
    expect(await client.completeOrder(modern.id, tracking, { fulfillmentsApi: true })).toEqual({ via: "fulfillments" });
    expect(store.state.orderJson(modern.id)?.status).toBe("completed");
    const fulfillment = store.state.fulfillments.find((f) => f.order_id === modern.id)!;
    expect(fulfillment.meta_data).toEqual(expect.arrayContaining([expect.objectContaining({ key: "_tracking_number", value: "794612345678" })]));

    store.state.fulfillmentsApi = false;
    try {
      const older = await store.state.createOrder({}, { deliver: false });
      expect(await client.completeOrder(older.id, tracking, { fulfillmentsApi: true })).toEqual({ via: "note" });
      expect(store.state.orderJson(older.id)?.status).toBe("completed");
      const note = store.state.notes.find((n) => n.order_id === older.id)!;
      expect(note).toMatchObject({ customer_note: true });
      expect(note.note).toContain("794612345678");
    } finally {
      store.state.fulfillmentsApi = true;
    }
  });
});
