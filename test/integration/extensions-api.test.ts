import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, getJwt, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startFedexEmulator } from "../../emulators/fedex/server";

// The order-page extensions' backend: session token auth, CORS, tenancy, and the same
// decision function and answers as the approval pages (via EXTENSION).
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-ext-api-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  home: await import("~/routes/app._index"),
  summary: await import("~/routes/api.extensions.orders.$orderId"),
  decision: await import("~/routes/api.extensions.orders.$orderId.decision"),
  retry: await import("~/routes/api.extensions.dead-letters.$id.retry"),
  rates: await import("~/routes/api.extensions.orders.$orderId.rates"),
  label: await import("~/routes/api.extensions.orders.$orderId.label"),
  accounts: await import("~/carriers/accounts.server"),
  pipeline: await import("~/fulfillment/pipeline.server"),
  mapping: await import("~/shopify/order-mapping"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  fedex = await startFedexEmulator();
  process.env.SHOPIFY_API_ORIGIN = shopify.url;
  process.env.FEDEX_API_ORIGIN = fedex.url;
  app = await loadApp();
});

afterAll(async () => {
  await Promise.all([shopify.close(), fedex.close()]);
  await app.queues.getQueue("approvals").obliterate({ force: true });
  await app.queues.getQueue("fulfillment").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

async function installedShop() {
  const domain = `ext-${randomBytes(4).toString("hex")}.myshopify.com`;
  shopify.state.addShop(domain);
  const request = await setUpValidRequest(
    { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}/app`),
  );
  await app.home.loader({ request, params: {}, context: {} });
  const shop = await app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain } });
  return { shop, db: app.db.forShop(shop.id), domain };
}

async function codOrder(shop: { id: string; domain: string }) {
  const db = app.db.forShop(shop.id);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const emulated = shopify.state.createOrder(shop.domain, {});
  await app.pipeline.ingestAndRoute(db, channel.id, app.mapping.orderFromWebhook(webhookPayload(emulated)));
  return { gid: `gid://shopify/Order/${emulated.id}`, order: await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } }) };
}

let nextSub = 91_000;
async function asAdmin(domain: string, path: string, init: RequestInit & { sub?: number | null } = {}) {
  const headers = new Headers(init.headers);
  const sub = init.sub === undefined ? nextSub++ : init.sub;
  if (sub !== null) {
    const { token } = await getJwt(domain.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY, { sub: String(sub) });
    headers.set("Authorization", `Bearer ${token}`);
  }
  headers.set("Origin", "https://extensions.shopifycdn.com");
  return new Request(`${APP_URL}${path}`, { ...init, headers });
}

type RouteFn = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
async function call(fn: unknown, request: Request, orderId: string, params: Record<string, string> = { orderId }): Promise<Response> {
  try {
    const result = await (fn as RouteFn)({ request, params, context: { clientIp: "203.0.113.20" } });
    return result as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("GET /api/extensions/orders/:orderId", () => {
  it("answers Rappit's state of the order with CORS headers; another shop's order is 404", async () => {
    const { shop, domain } = await installedShop();
    const other = await installedShop();
    const { gid, order } = await codOrder(shop);
    const path = `/api/extensions/orders/${encodeURIComponent(gid)}`;

    const response = await call(app.summary.loader, await asAdmin(domain, path), gid);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    const body = await response.json();
    expect(body.order).toMatchObject({ id: order.id, status: "PENDING_APPROVAL", cod: true });
    expect(body.approval).toMatchObject({ status: "PENDING", decidedAt: null });
    expect(body.actions).toEqual({ canDecide: true, canBuyLabel: false });
    // The bare numeric id works too.
    expect((await call(app.summary.loader, await asAdmin(domain, path), gid.split("/").pop()!)).status).toBe(200);

    expect((await call(app.summary.loader, await asAdmin(other.domain, path), gid)).status).toBe(404);
    expect((await call(app.summary.loader, await asAdmin(domain, path), "not-an-order")).status).toBe(404);
    // No session token: the Shopify library refuses (a redirect to its login, or 401) and no data leaves.
    const anonymous = await call(app.summary.loader, await asAdmin(domain, path, { sub: null }), gid);
    expect([302, 401]).toContain(anonymous.status);
    expect(await anonymous.text()).not.toContain(order.id);
  });

  it("answers a CORS preflight from the loader", async () => {
    const { domain } = await installedShop();
    const preflight = await call(
      app.decision.loader,
      await asAdmin(domain, "/api/extensions/orders/1/decision", { method: "OPTIONS", sub: null, headers: { "Access-Control-Request-Method": "POST" } }),
      "1",
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
  });
});

describe("POST /api/extensions/orders/:orderId/decision", () => {
  it("decides through the same function as the pages: once, then 409 with who and when", async () => {
    const { shop, db, domain } = await installedShop();
    const { gid, order } = await codOrder(shop);
    const path = `/api/extensions/orders/${encodeURIComponent(gid)}/decision`;
    const sub = nextSub++;
    shopify.state.setStaffEmail(sub, "ops@example.com");
    const post = async (body: unknown, asSub = sub) =>
      call(app.decision.action, await asAdmin(domain, path, { method: "POST", sub: asSub, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }), gid);

    const bad = await post({ decision: "MAYBE" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/APPROVE or REJECT/);
    const approved = await post({ decision: "APPROVE" });
    expect(approved.status).toBe(200);
    expect(approved.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    expect((await approved.json()).status).toBe("APPROVED");
    const approval = await db.approval.findFirstOrThrow({ where: { orderId: order.id } });
    expect([approval.status, approval.decidedVia, approval.decidedByEmail]).toEqual(["APPROVED", "EXTENSION", "ops@example.com"]);

    const again = await post({ decision: "REJECT", reason: "late" }, nextSub++);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ status: "APPROVED", decidedByEmail: "ops@example.com", decidedVia: "EXTENSION" });

    const get = await call(app.decision.loader, await asAdmin(domain, path), gid);
    expect(get.status).toBe(405);
  });

  it("answers 404 for another shop's order and changes nothing", async () => {
    const { shop, db } = await installedShop();
    const other = await installedShop();
    const { gid, order } = await codOrder(shop);
    const response = await call(
      app.decision.action,
      await asAdmin(other.domain, `/api/extensions/orders/${encodeURIComponent(gid)}/decision`, { method: "POST", body: JSON.stringify({ decision: "APPROVE" }) }),
      gid,
    );
    expect(response.status).toBe(404);
    expect((await db.approval.findFirstOrThrow({ where: { orderId: order.id } })).status).toBe("PENDING");
  });
});

describe("POST /api/extensions/dead-letters/:id/retry", () => {
  it("retries an open dead letter of the shop once; the summary lists it while open; another shop gets 404", async () => {
    const { shop, db, domain } = await installedShop();
    const other = await installedShop();
    const { gid, order } = await codOrder(shop);
    const now = new Date();
    const letter = await db.deadLetter.create({
      data: {
        shopId: shop.id,
        queue: "fulfillment",
        jobName: "fulfillment.fulfill-order",
        jobId: `fulfill-${order.id}`,
        payload: { shopId: shop.id, orderId: order.id },
        error: "FedEx refused the shipment",
        attempts: 3,
        firstFailedAt: now,
        lastFailedAt: now,
        orderId: order.id,
      },
    });
    const summary = await (await call(app.summary.loader, await asAdmin(domain, "/x"), gid)).json();
    expect(summary.deadLetters).toEqual([expect.objectContaining({ id: letter.id, error: "FedEx refused the shipment" })]);

    const path = `/api/extensions/dead-letters/${letter.id}/retry`;
    const foreign = await call(app.retry.action, await asAdmin(other.domain, path, { method: "POST" }), "", { id: letter.id });
    expect(foreign.status).toBe(404);
    const retried = await call(app.retry.action, await asAdmin(domain, path, { method: "POST" }), "", { id: letter.id });
    expect(retried.status).toBe(200);
    expect((await retried.json()).jobId).toBeTruthy();
    const twice = await call(app.retry.action, await asAdmin(domain, path, { method: "POST" }), "", { id: letter.id });
    expect([404, 409]).toContain(twice.status);
    expect((await db.deadLetter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("RETRIED");
  });
});

describe("create shipping label from the order page", () => {
  it("quotes every connected account, buys one label with the admin's choice, and hands the order to fulfillment", async () => {
    const { shop, db, domain } = await installedShop();
    const other = await installedShop();
    const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
    const emulated = shopify.state.createOrder(domain, { gateways: ["shopify_payments"], financialStatus: "paid" });
    await app.pipeline.ingestAndRoute(db, channel.id, app.mapping.orderFromWebhook(webhookPayload(emulated)));
    const order = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
    expect(order.status).toBe("NEW"); // no carrier yet: labels by hand
    const gid = `gid://shopify/Order/${emulated.id}`;
    const ratesPath = `/api/extensions/orders/${encodeURIComponent(gid)}/rates`;

    // Without a ship-from address there is nothing to quote: a message the admin can act on.
    const noAddress = await call(app.rates.loader, await asAdmin(domain, ratesPath), gid);
    expect(noAddress.status).toBe(422);
    expect((await noAddress.json()).error).toMatch(/ship-from/);

    await db.shop.update({
      where: { id: shop.id },
      data: { shipFrom: { name: "Rappit Store", phone: "9015550100", address1: "10 Main St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" } },
    });
    const credentials = { clientId: `l7${randomBytes(6).toString("hex")}`, clientSecret: randomBytes(12).toString("hex"), accountNumber: String(730_000_000 + Math.floor(Math.random() * 9_999_999)) };
    fedex.state.addAccount(credentials);
    const added = await app.accounts.addCarrierAccount(
      db,
      { carrier: "FEDEX", environment: "SANDBOX", accountNumber: credentials.accountNumber, credentials: { clientId: credentials.clientId, clientSecret: credentials.clientSecret } },
      { type: "SYSTEM", id: "test" },
    );
    expect(added.ok).toBe(true);
    const account = await db.shippingAccount.findFirstOrThrow({});

    const rates = await call(app.rates.loader, await asAdmin(domain, ratesPath), gid);
    expect(rates.status).toBe(200);
    const { accounts } = await rates.json();
    expect(accounts).toEqual([expect.objectContaining({ id: account.id, carrier: "FEDEX" })]);
    expect(accounts[0].quotes.length).toBeGreaterThan(0);
    const service = accounts[0].quotes[0].service as string;

    const labelPath = `/api/extensions/orders/${encodeURIComponent(gid)}/label`;
    const post = async (asDomain: string, body: unknown) =>
      call(app.label.action, await asAdmin(asDomain, labelPath, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }), gid);
    expect((await post(domain, { service })).status).toBe(400);
    expect((await post(other.domain, { shippingAccountId: account.id, service })).status).toBe(404);
    const foreignAccount = await post(domain, { shippingAccountId: "00000000-0000-4000-8000-000000000000", service });
    expect(foreignAccount.status).toBe(422);

    const shipsBefore = fedex.state.counts.ship;
    const [first, second] = await Promise.all([post(domain, { shippingAccountId: account.id, service }), post(domain, { shippingAccountId: account.id, service })]);
    const answers = [first.status, second.status].sort();
    expect(answers[0]).toBe(200); // the other is 200 (same label) or 409 (purchase in progress)
    expect([200, 409]).toContain(answers[1]);
    const bought = await (first.status === 200 ? first : second).json();
    expect(bought).toMatchObject({ carrier: "FEDEX", trackingNumber: expect.any(String), trackingUrl: expect.stringContaining(bought.trackingNumber) });
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(await db.shipment.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("FULFILLING");
    const jobs = await app.queues.getQueue("fulfillment").getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.some((job) => job.data.orderId === order.id)).toBe(true);
  });
});
