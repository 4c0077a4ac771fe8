import { randomBytes, randomUUID } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { connectFedex as connectFedexAccount, installShop, SHIP_FROM } from "../support/installed-shop";

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
  download: await import("~/routes/api.extensions.shipments.$id.label"),
  approvalsPage: await import("~/routes/app.approvals._index"),
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

const installedShop = () => installShop(shopify, "ext");

async function codOrder(shop: { id: string; domain: string }) {
  const db = app.db.forShop(shop.id);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const emulated = shopify.state.createOrder(shop.domain, {});
  await app.pipeline.ingestAndRoute(db, channel.id, app.mapping.orderFromWebhook(webhookPayload(emulated)));
  return { gid: `gid://shopify/Order/${emulated.id}`, order: await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } }) };
}

let nextSub = 91_000;
/**
 * A request as the extension sends it: its origin, and the admin's session token as Bearer.
 * sub: null sends no token; "no-user" a token naming no staff member; "bad-signature" a token
 * signed with another secret.
 */
async function asAdmin(domain: string, path: string, init: RequestInit & { sub?: number | null | "no-user" | "bad-signature" } = {}) {
  const headers = new Headers(init.headers);
  const sub = init.sub === undefined ? nextSub++ : init.sub;
  if (sub !== null) {
    const store = domain.replace(".myshopify.com", "");
    const { token } =
      sub === "no-user"
        ? await getJwt(store, API_KEY, API_SECRET_KEY, { sub: undefined })
        : await getJwt(store, API_KEY, sub === "bad-signature" ? "not-the-app-secret" : API_SECRET_KEY, { sub: String(sub === "bad-signature" ? nextSub++ : sub) });
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
    // No session token: 401 and no data leaves.
    const anonymous = await call(app.summary.loader, await asAdmin(domain, path, { sub: null }), gid);
    expect(anonymous.status).toBe(401);
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

    await db.shop.update({ where: { id: shop.id }, data: { shipFrom: SHIP_FROM } });
    const { account } = await connectFedex(db);

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

    // A second purchase answers the same label and buys nothing.
    const repeat = await post(domain, { shippingAccountId: account.id, service });
    expect(repeat.status).toBe(200);
    expect((await repeat.json()).shipmentId).toBe(bought.shipmentId);
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);

    // The block sees the label and its download link, and offers no second purchase.
    const summary = await (await call(app.summary.loader, await asAdmin(domain, "/x"), gid)).json();
    expect(summary.actions).toEqual({ canDecide: false, canBuyLabel: false });
    expect(summary.shipments).toEqual([
      expect.objectContaining({ id: bought.shipmentId, status: "PURCHASED", trackingNumber: bought.trackingNumber, labelUrl: new URL(`/api/extensions/shipments/${bought.shipmentId}/label`, process.env.SHOPIFY_APP_URL).toString() }),
    ]);

    const downloadPath = new URL(summary.shipments[0].labelUrl as string).pathname;
    const document = await call(app.download.loader, await asAdmin(domain, downloadPath), "", { id: bought.shipmentId });
    expect(document.status).toBe(200);
    expect(document.headers.get("Content-Type")).toBe("application/pdf");
    expect(document.headers.get("Content-Disposition")).toBe(`attachment; filename="label-${bought.trackingNumber}.pdf"`);
    expect(document.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    expect(document.headers.get("Access-Control-Expose-Headers")).toContain("Content-Disposition");
    const bytes = new Uint8Array(await document.arrayBuffer());
    const stored = await db.shipment.findUniqueOrThrow({ where: { id: bought.shipmentId } });
    expect(Buffer.from(bytes).equals(Buffer.from(stored.label!))).toBe(true);
    // Another shop's admin gets 404, as for a label that does not exist.
    const foreign = await call(app.download.loader, await asAdmin(other.domain, downloadPath), "", { id: bought.shipmentId });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("Content-Type")).toContain("application/json");
    expect((await call(app.download.loader, await asAdmin(domain, "/x"), "", { id: "not-a-uuid" })).status).toBe(404);
    // A link the admin opens (no fetch, so no Authorization header) carries the token in the URL.
    const { token: idToken } = await getJwt(domain.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY, { sub: String(nextSub++) });
    // (as the library reads a page load: shop, host, embedded=1 and id_token in the query).
    const host = Buffer.from(`admin.shopify.com/store/${domain.replace(".myshopify.com", "")}`).toString("base64url");
    const viaQuery = await call(app.download.loader, new Request(`${APP_URL}${downloadPath}?shop=${domain}&host=${host}&embedded=1&id_token=${idToken}`), "", { id: bought.shipmentId });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers.get("Content-Type")).toBe("application/pdf");
  });
});

async function prepaidOrder(shop: { id: string; domain: string }) {
  const db = app.db.forShop(shop.id);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const emulated = shopify.state.createOrder(shop.domain, { gateways: ["shopify_payments"], financialStatus: "paid" });
  await app.pipeline.ingestAndRoute(db, channel.id, app.mapping.orderFromWebhook(webhookPayload(emulated)));
  return { gid: `gid://shopify/Order/${emulated.id}`, order: await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } }) };
}

async function withShipFrom(shopId: string) {
  await app.db.forShop(shopId).shop.update({ where: { id: shopId }, data: { shipFrom: SHIP_FROM } });
}

/** A FedEx account connected through the Carriers page's code, with credentials the emulator knows. */
const connectFedex = (db: ReturnType<typeof app.db.forShop>) => connectFedexAccount(fedex, db);

describe("authentication and CORS on every route", () => {
  const routes = () => [
    { name: "summary", fn: app.summary.loader, path: "/api/extensions/orders/1" },
    { name: "decision", fn: app.decision.loader, path: "/api/extensions/orders/1/decision" },
    { name: "rates", fn: app.rates.loader, path: "/api/extensions/orders/1/rates" },
    { name: "label", fn: app.label.loader, path: "/api/extensions/orders/1/label" },
    { name: "retry", fn: app.retry.loader, path: `/api/extensions/dead-letters/${randomUUID()}/retry` },
    { name: "download", fn: app.download.loader, path: `/api/extensions/shipments/${randomUUID()}/label` },
  ];

  it("answers the preflight from every loader: 204 with the allowed origin and headers", async () => {
    const { domain } = await installedShop();
    for (const route of routes()) {
      const preflight = await call(
        route.fn,
        await asAdmin(domain, route.path, { method: "OPTIONS", sub: null, headers: { "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" } }),
        "1",
        { orderId: "1", id: randomUUID() },
      );
      expect(preflight.status, route.name).toBe(204);
      expect(preflight.headers.get("Access-Control-Allow-Origin"), route.name).toBe("*");
      const allowed = preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase() ?? "";
      expect(allowed, route.name).toContain("authorization");
      expect(allowed, route.name).toContain("content-type");
    }
  });

  it("refuses a bad session token with 401 and a request without one, on every route and action", async () => {
    const { shop, domain } = await installedShop();
    const { gid, order } = await codOrder(shop);
    const handlers = [...routes().map((route) => ({ ...route })), { name: "decision POST", fn: app.decision.action, path: "/x" }, { name: "label POST", fn: app.label.action, path: "/x" }, { name: "retry POST", fn: app.retry.action, path: "/x" }];
    for (const route of handlers) {
      const method = route.name.endsWith("POST") ? "POST" : "GET";
      const forged = await call(route.fn, await asAdmin(domain, route.path, { method, sub: "bad-signature" }), gid, { orderId: gid, id: randomUUID() });
      expect(forged.status, route.name).toBe(401);
      // No session token at all: 401 with CORS headers (the library alone would redirect to its login page).
      const anonymous = await call(route.fn, await asAdmin(domain, route.path, { method, sub: null }), gid, { orderId: gid, id: randomUUID() });
      expect(anonymous.status, route.name).toBe(401);
      expect(anonymous.headers.get("Access-Control-Allow-Origin"), route.name).toBe("*");
      expect((await anonymous.json()).error, route.name).toMatch(/session token/);
    }
    expect((await app.db.forShop(shop.id).approval.findFirstOrThrow({ where: { orderId: order.id } })).status).toBe("PENDING");
  });
});

describe("the summary in each order state", () => {
  it("says what the order page may offer", async () => {
    const { shop, db, domain } = await installedShop();
    const summaryOf = async (gid: string) => {
      const response = await call(app.summary.loader, await asAdmin(domain, "/x"), gid);
      expect(response.status).toBe(200);
      return response.json();
    };

    const prepaid = await prepaidOrder(shop);
    expect(prepaid.order.status).toBe("NEW");
    expect(await summaryOf(prepaid.gid)).toMatchObject({ order: { status: "NEW", cod: false }, approval: null, shipments: [], actions: { canDecide: false, canBuyLabel: true } });

    const cod = await codOrder(shop);
    const set = (data: Record<string, unknown>) => db.order.update({ where: { id: cod.order.id }, data });
    const reserved = cod.order.stockReservedAt ?? new Date();
    const cases: Array<[string, Record<string, unknown>, { canDecide: boolean; canBuyLabel: boolean }]> = [
      ["APPROVED", { status: "APPROVED" }, { canDecide: false, canBuyLabel: true }],
      ["REJECTED", { status: "REJECTED" }, { canDecide: false, canBuyLabel: false }],
      ["FULFILLING", { status: "FULFILLING" }, { canDecide: false, canBuyLabel: true }],
      ["ON_HOLD (stock)", { status: "ON_HOLD", holdReason: "out of stock: SKU-1 (1 short)", stockReservedAt: null }, { canDecide: false, canBuyLabel: false }],
      ["ON_HOLD (other)", { status: "ON_HOLD", holdReason: "address to be confirmed", stockReservedAt: reserved }, { canDecide: false, canBuyLabel: true }],
      ["NEW (COD)", { status: "NEW", holdReason: null }, { canDecide: false, canBuyLabel: false }],
      ["FULFILLED", { status: "FULFILLED" }, { canDecide: false, canBuyLabel: false }],
      ["CANCELLED", { status: "CANCELLED", cancelledAt: new Date() }, { canDecide: false, canBuyLabel: false }],
    ];
    // The approval is decided once so canDecide follows it, not the order's status.
    await db.approval.updateMany({ where: { orderId: cod.order.id }, data: { status: "APPROVED", decidedAt: new Date(), decidedByEmail: "ops@example.com", decidedVia: "APP" } });
    for (const [name, data, actions] of cases) {
      await set(data);
      const summary = await summaryOf(cod.gid);
      expect(summary.actions, name).toEqual(actions);
      expect(summary.order.status, name).toBe(data.status);
      if (data.status === "ON_HOLD") expect(summary.order.holdReason, name).toBe(data.holdReason);
    }
    const last = await summaryOf(cod.gid);
    expect(last.approval).toMatchObject({ status: "APPROVED", decidedByEmail: "ops@example.com", decidedVia: "APP", riskNotes: expect.any(Array) });

    // The last five messages to the buyer, newest first, with the recipient masked.
    for (let i = 0; i < 6; i++) {
      await db.messageLog.create({
        data: {
          shopId: shop.id,
          orderId: cod.order.id,
          channel: "WHATSAPP",
          template: `t${i}`,
          recipient: "+15551234567",
          content: {},
          status: "SENT",
          dedupeKey: `test:${cod.order.id}:${i}`,
          createdAt: new Date(Date.now() + i * 1000),
        },
      });
    }
    const { messages } = await summaryOf(cod.gid);
    expect(messages.map((message: { template: string }) => message.template)).toEqual(["t5", "t4", "t3", "t2", "t1"]);
    expect(messages[0].recipient).not.toContain("1234567");
  });
});

describe("decisions from the order page, like the approval pages", () => {
  const decide = async (domain: string, gid: string, body: unknown, sub?: number | "no-user") =>
    call(
      app.decision.action,
      await asAdmin(domain, `/api/extensions/orders/${encodeURIComponent(gid)}/decision`, { method: "POST", sub, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      gid,
    );

  it("rejects with a reason, recorded as the extension's decision", async () => {
    const { shop, db, domain } = await installedShop();
    const { gid, order } = await codOrder(shop);
    const sub = nextSub++;
    shopify.state.setStaffEmail(sub, "Checker@Example.com");
    const rejected = await decide(domain, gid, { decision: "REJECT", reason: "no answer on the phone" }, sub);
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ status: "REJECTED", decidedAt: expect.any(String) });
    expect(await db.approval.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({
      status: "REJECTED",
      decidedVia: "EXTENSION",
      decidedByEmail: "checker@example.com",
      decidedById: String(sub),
      reason: "no answer on the phone",
    });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REJECTED");
    const audit = await db.auditLog.findFirst({ where: { action: "ORDER_REJECTED", subjectId: order.id } });
    expect(audit).not.toBeNull();
  });

  it("answers 409 with who and when after a decision in the app", async () => {
    const { shop, domain } = await installedShop();
    const { gid, order } = await codOrder(shop);
    const approval = await app.db.forShop(shop.id).approval.findFirstOrThrow({ where: { orderId: order.id } });
    const first = nextSub++;
    shopify.state.setStaffEmail(first, "owner@example.com");
    const page = await call(
      app.approvalsPage.action,
      await asAdmin(domain, "/app/approvals", { method: "POST", sub: first, body: new URLSearchParams({ intent: "approve", approvalId: approval.id }) }),
      "",
    );
    expect(page.status).toBe(200);

    const late = await decide(domain, gid, { decision: "REJECT" });
    expect(late.status).toBe(409);
    expect(late.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    const body = await late.json();
    expect(body).toMatchObject({ status: "APPROVED", decidedByEmail: "owner@example.com", decidedVia: "APP", decidedAt: expect.any(String) });
    expect(body.error).toContain("owner@example.com");
  });

  it("answers 403 to a session token that names no staff member, and changes nothing", async () => {
    const { shop, db, domain } = await installedShop();
    const { gid, order } = await codOrder(shop);
    const anonymous = await decide(domain, gid, { decision: "APPROVE" }, "no-user");
    expect(anonymous.status).toBe(403);
    expect((await anonymous.json()).error).toMatch(/Approvals page/);
    expect((await db.approval.findFirstOrThrow({ where: { orderId: order.id } })).status).toBe("PENDING");
  });

  it("limits decisions per admin like the pages: 429 with Retry-After, readable by the extension", async () => {
    const { shop, domain } = await installedShop();
    const { gid } = await codOrder(shop);
    const admin = nextSub++;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) {
      last = await decide(domain, gid, { decision: "MAYBE" }, admin);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(last!.headers.get("Access-Control-Expose-Headers")).toContain("Retry-After");
    expect((await last!.json()).error).toBeTruthy();
    // Another admin of the same shop is not limited by the first one's clicks.
    expect((await decide(domain, gid, { decision: "APPROVE" })).status).toBe(200);
  });
});

describe("rates with one healthy and one failing carrier account", () => {
  it("quotes the healthy account and gives the failing one its error, not a 500", async () => {
    const { shop, db, domain } = await installedShop();
    const { gid } = await prepaidOrder(shop);
    await withShipFrom(shop.id);
    const healthy = await connectFedex(db);
    const failing = await connectFedex(db);
    fedex.state.revoke(failing.clientId); // the project's key was deleted in FedEx's portal

    const response = await call(app.rates.loader, await asAdmin(domain, "/x"), gid);
    expect(response.status).toBe(200);
    const { accounts } = await response.json();
    const byId = new Map<string, { quotes: unknown[]; error?: string; isDefault: boolean }>(accounts.map((account: { id: string }) => [account.id, account]));
    expect(byId.get(healthy.account.id)).toMatchObject({ isDefault: true, quotes: expect.arrayContaining([expect.objectContaining({ service: expect.any(String), amount: expect.any(String) })]) });
    expect(byId.get(healthy.account.id)!.error).toBeUndefined();
    expect(byId.get(failing.account.id)).toMatchObject({ quotes: [], error: expect.stringContaining("FedEx") });
  });
});

describe("label purchase answers", () => {
  it("422 for an order that cannot ship yet, 503 while the carrier asks to slow down", async () => {
    const { shop, db, domain } = await installedShop();
    await withShipFrom(shop.id);
    const { account } = await connectFedex(db);
    const buy = async (gid: string) =>
      call(
        app.label.action,
        await asAdmin(domain, "/x", { method: "POST", body: JSON.stringify({ shippingAccountId: account.id, service: "FEDEX_GROUND" }), headers: { "Content-Type": "application/json" } }),
        gid,
      );

    const cod = await codOrder(shop); // waiting for approval
    const waiting = await buy(cod.gid);
    expect(waiting.status).toBe(422);
    expect((await waiting.json()).error).toMatch(/approv/i);

    const prepaid = await prepaidOrder(shop);
    fedex.state.faults.rateLimitNext = 50;
    fedex.state.faults.retryAfterSeconds = 30;
    try {
      const busy = await buy(prepaid.gid);
      expect(busy.status).toBe(503);
      expect((await busy.json()).error).toMatch(/FedEx/);
      expect(busy.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    } finally {
      fedex.state.faults.rateLimitNext = 0;
      fedex.state.faults.retryAfterSeconds = 1;
    }
    // Nothing moved: the order keeps its state (the shop has a carrier, so routing made it FULFILLING).
    expect((await db.order.findUniqueOrThrow({ where: { id: prepaid.order.id } })).status).toBe(prepaid.order.status);
    expect(await db.shipment.count({ where: { orderId: prepaid.order.id, status: "PURCHASED" } })).toBe(0);
  });
});
