import { randomBytes, randomUUID } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, getJwt } from "@shopify/shopify-api/test-helpers";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { settle } from "../support/settle";
import { installShop } from "../support/installed-shop";

// COD approvals end to end on real PostgreSQL, Redis and the Shopify/WooCommerce emulators:
// the request (one Approval, one email per approver), the page (GET changes nothing), the
// decision through the routes (every answer), its effects on the channels, and load.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-approvals-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  home: await import("~/routes/app._index"),
  page: await import("~/routes/app.approvals.$id"),
  list: await import("~/routes/app.approvals._index"),
  pipeline: await import("~/fulfillment/pipeline.server"),
  tokens: await import("~/approvals/tokens.server"),
  decide: await import("~/approvals/decide.server"),
  effects: await import("~/approvals/effects.server"),
  requestJob: await import("~/approvals/request-job.server"),
  email: await import("~/approvals/approval-email.server"),
  mapping: await import("~/shopify/order-mapping"),
  wooJobs: await import("~/channels/woocommerce/channel-jobs.server"),
  wooCredentials: await import("~/channels/woocommerce/credentials.server"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let woo: WooCommerceEmulator;

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  woo = await startWooCommerceEmulator();
  Object.assign(process.env, { SHOPIFY_API_ORIGIN: shopify.url, WOOCOMMERCE_ALLOW_INSECURE_STORES: "1" });
  app = await loadApp();
});

afterAll(async () => {
  await Promise.all([shopify.close(), woo.close()]);
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

const ip = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;

/** A shop installed through token exchange (so its offline token works on the emulator), the owner's email recorded. */
async function installedShop() {
  const installed = await installShop(shopify, "apr");
  await installed.db.inventoryItem.create({ data: { shopId: installed.shop.id, sku: "SKU-1", title: "Canvas tote", available: 500 } });
  return installed;
}

/** A COD order arriving from Shopify, through the app's routing. */
async function codOrder(shop: { id: string; domain: string }, overrides: Parameters<ShopifyEmulator["state"]["createOrder"]>[1] = {}) {
  const db = app.db.forShop(shop.id);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const emulated = shopify.state.createOrder(shop.domain, overrides);
  await app.pipeline.ingestAndRoute(db, channel.id, app.mapping.orderFromWebhook(webhookPayload(emulated)));
  const order = await db.order.findFirstOrThrow({ where: { externalOrderId: String(emulated.id) } });
  const approval = await db.approval.findFirstOrThrow({ where: { orderId: order.id } });
  return { emulated, order, approval };
}

/** An admin request as the embedded app sends it: a session token for user `sub` of the shop. */
async function asAdmin(domain: string, path: string, sub: number, init?: RequestInit) {
  const { token } = await getJwt(domain.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY, { sub: String(sub) });
  const headers = new Headers(init?.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(`${APP_URL}${path}`, { ...init, headers });
}

/** POSTs the approval page's form (intent, token in the `t` field), as admin `sub`. */
async function postDecision(domain: string, approvalId: string, sub: number, form: Record<string, string>, clientIp = ip()) {
  const request = await asAdmin(domain, `/app/approvals/${approvalId}`, sub, { method: "POST", body: new URLSearchParams(form) });
  return settle(() => app.page.action({ request, params: { id: approvalId }, context: { clientIp } }));
}

async function mintFor(db: ReturnType<typeof app.db.forShop>, domain: string, approvalId: string, email: string, extra: { now?: Date } = {}) {
  return (await app.tokens.mintApprovalToken(db, { shopDomain: domain, approvalId, email, ...extra })).token;
}

let nextSub = 50_000;
/** A staff user of the emulated Shopify with this email (what online token exchange reports). */
function staff(email: string) {
  const sub = nextSub++;
  shopify.state.setStaffEmail(sub, email);
  return sub;
}

async function snapshot(db: ReturnType<typeof app.db.forShop>) {
  return JSON.stringify(
    await Promise.all([
      db.approval.findMany({ orderBy: { id: "asc" } }),
      db.approvalToken.findMany({ orderBy: { id: "asc" } }),
      db.order.findMany({ orderBy: { id: "asc" } }),
      db.auditLog.findMany({ orderBy: { id: "asc" } }),
      db.messageLog.findMany({ orderBy: { id: "asc" } }),
    ]),
  );
}

describe("approval request", () => {
  it("creates one Approval per COD order with the owner as approver, risk notes, and one email per approver whose link is minted at send time", async () => {
    const { shop, db, domain } = await installedShop();
    expect(shop.ownerEmail).toBe(`owner@${domain.replace(".myshopify.com", "")}.example`);
    const { order, approval } = await codOrder(shop);
    expect(order.status).toBe("PENDING_APPROVAL");
    expect(approval).toMatchObject({ status: "PENDING", approverEmails: [shop.ownerEmail] });
    expect((approval.riskNotes as Array<{ code: string }>).map((note) => note.code)).toContain("FIRST_ORDER");
    // Routing again (a repeated event) keeps one approval.
    await app.pipeline.routeReservedOrder(db, order.id);
    expect(await db.approval.count({ where: { orderId: order.id } })).toBe(1);
    expect(await app.queues.getQueue("approvals").getJob(`approval-request-${approval.id}`)).toBeTruthy();

    await db.shop.update({ where: { id: shop.id }, data: { approverEmails: ["Ops@Example.com", "boss@example.com"] } });
    const second = await codOrder(shop);
    expect(second.approval.approverEmails).toEqual(["ops@example.com", "boss@example.com"]);
    expect((second.approval.riskNotes as Array<{ code: string }>).map((note) => note.code)).not.toContain("FIRST_ORDER");
    expect(await app.requestJob.runApprovalRequest({ shopId: shop.id, approvalId: second.approval.id })).toEqual({ queued: 2 });
    expect(await app.requestJob.runApprovalRequest({ shopId: shop.id, approvalId: second.approval.id })).toEqual({ queued: 0 });
    const messages = await db.messageLog.findMany({ where: { approvalId: second.approval.id }, orderBy: { recipient: "asc" } });
    expect(messages.map((m) => [m.recipient, m.template, m.channel])).toEqual([
      ["boss@example.com", "approval-request", "EMAIL"],
      ["ops@example.com", "approval-request", "EMAIL"],
    ]);
    expect(JSON.stringify(messages.map((m) => m.content))).not.toMatch(/eyJ/); // no token stored

    const tokensBefore = await db.approvalToken.count();
    const rendered = await app.email.renderApprovalRequest(db, { ...messages[1], content: messages[1].content as Record<string, unknown>, template: "approval-request" });
    expect(rendered.subject).toContain(second.order.name);
    expect(rendered.text).toContain("Canvas tote");
    const link = /https:\/\/admin\.shopify\.com\/store\/[^\s]+/.exec(rendered.text)![0];
    expect(link).toMatch(new RegExp(`^https://admin\\.shopify\\.com/store/${domain.replace(".myshopify.com", "")}/apps/rappit/app/approvals/${second.approval.id}\\?t=`));
    expect(await db.approvalToken.count()).toBe(tokensBefore + 1);
    const token = new URL(link).searchParams.get("t")!;
    const stored = await db.approvalToken.findFirstOrThrow({ where: { approvalId: second.approval.id } });
    expect(stored.tokenHash).toBe(app.tokens.hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.email).toBe("ops@example.com");
  });
});

describe("the approval page", () => {
  it("GET shows the approval and changes nothing, with or without a session (link scanners)", async () => {
    const { shop, db, domain } = await installedShop();
    const { approval, order } = await codOrder(shop);
    const token = await mintFor(db, domain, approval.id, shop.ownerEmail!);
    const before = await snapshot(db);

    const request = await asAdmin(domain, `/app/approvals/${approval.id}?t=${token}`, 12345);
    const response = await settle(() => app.page.loader({ request, params: { id: approval.id }, context: { clientIp: ip() } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    const body = (await response.json()) as { approval: { order: { name: string; lines: unknown[] }; status: string }; link: { state: string } };
    expect(body.approval.order.name).toBe(order.name);
    expect(body.approval.order.lines).toHaveLength(1);
    expect(body.link.state).toBe("ok");

    const scanner = await settle(() =>
      app.page.loader({ request: new Request(`${APP_URL}/app/approvals/${approval.id}?t=${token}`, { headers: { "User-Agent": "Mozilla/5.0 SafeLinks" } }), params: { id: approval.id }, context: { clientIp: ip() } }),
    );
    expect(scanner.status).not.toBe(200);
    expect(await snapshot(db)).toBe(before);
  });

  it("answers 404 for another shop's approval", async () => {
    const a = await installedShop();
    const b = await installedShop();
    const { approval } = await codOrder(a.shop);
    const request = await asAdmin(b.domain, `/app/approvals/${approval.id}`, 12345);
    expect((await settle(() => app.page.loader({ request, params: { id: approval.id }, context: { clientIp: ip() } }))).status).toBe(404);
  });
});

describe("deciding by the emailed link", () => {
  it("approves: APPROVED then FULFILLING, hold release and fulfillment enqueued, audited with the admin's email and IP", async () => {
    const { shop, db, domain } = await installedShop();
    const { approval, order } = await codOrder(shop);
    const owner = staff(shop.ownerEmail!);
    const token = await mintFor(db, domain, approval.id, shop.ownerEmail!);
    const response = await postDecision(domain, approval.id, owner, { intent: "approve", t: token }, "198.51.100.9");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, status: "APPROVED" });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("APPROVED");
    const decided = await db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(decided).toMatchObject({ status: "APPROVED", decidedVia: "EMAIL_LINK", decidedById: String(owner), decidedByEmail: shop.ownerEmail });
    expect((await db.approvalToken.findFirstOrThrow({ where: { approvalId: approval.id } })).usedAt).not.toBeNull();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "ORDER_APPROVED", subjectId: order.id } });
    expect(audit).toMatchObject({ actorType: "USER", actorId: String(owner), actorEmail: shop.ownerEmail });
    expect(audit.before).toMatchObject({ orderStatus: "PENDING_APPROVAL" });
    expect(audit.after).toMatchObject({ orderStatus: "APPROVED", ip: "198.51.100.9", via: "EMAIL_LINK" });
    expect(await app.queues.getQueue("approvals").getJob(`approval-decision-${approval.id}`)).toBeTruthy();

    expect(await app.effects.runApplyDecision({ shopId: shop.id, approvalId: approval.id })).toMatchObject({ applied: "approved" });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("FULFILLING");
    const fulfillment = app.queues.getQueue("fulfillment");
    expect(await fulfillment.getJob(`release-${order.id}`)).toBeTruthy();
    expect(await fulfillment.getJob(`fulfill-${order.id}`)).toBeTruthy();
    // Repeating the effects (a retried job, the sweep) changes nothing.
    await app.effects.runApplyDecision({ shopId: shop.id, approvalId: approval.id });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("FULFILLING");

    // The same link again: 409 with who and when.
    const replay = await postDecision(domain, approval.id, owner, { intent: "approve", t: token });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ ok: false, error: { code: "already_decided", decided: { decidedByEmail: shop.ownerEmail, status: "APPROVED" } } });
  });

  it("rejects: the Shopify order is cancelled with restock and no refund, stock released here, order CANCELLED", async () => {
    const { shop, db, domain } = await installedShop();
    const { approval, order, emulated } = await codOrder(shop);
    expect(await db.inventoryItem.findFirstOrThrow({ where: { sku: "SKU-1" } })).toMatchObject({ available: 499, reserved: 1 });
    const owner = staff(shop.ownerEmail!);
    const token = await mintFor(db, domain, approval.id, shop.ownerEmail!);
    const response = await postDecision(domain, approval.id, owner, { intent: "reject", t: token, reason: "fake address" });
    expect(response.status).toBe(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REJECTED");
    expect(await db.auditLog.count({ where: { action: "ORDER_REJECTED", subjectId: order.id } })).toBe(1);

    expect(await app.effects.runApplyDecision({ shopId: shop.id, approvalId: approval.id })).toMatchObject({ applied: "rejected" });
    expect(emulated.cancelledAt).not.toBeNull();
    expect(emulated).toMatchObject({ cancelReason: "DECLINED", restocked: true, cancelOptions: { refund: false, notifyCustomer: false } });
    expect(emulated.staffNote).toContain("fake address");
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CANCELLED");
    expect(await db.inventoryItem.findFirstOrThrow({ where: { sku: "SKU-1" } })).toMatchObject({ available: 500, reserved: 0 });
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("REJECTED");
    // A retry after a crash: Shopify says already cancelled, nothing breaks.
    await app.effects.runApplyDecision({ shopId: shop.id, approvalId: approval.id });
  });

  it("answers 400 tampered, 400 malformed, 400 unknown secret, 410 expired, 403 another admin, 403 another shop, 409 decided in the app first", async () => {
    const { shop, db, domain } = await installedShop();
    const { approval } = await codOrder(shop);
    const owner = staff(shop.ownerEmail!);
    const token = await mintFor(db, domain, approval.id, shop.ownerEmail!);
    const codeOf = async (response: Response) => [response.status, ((await response.json()) as { error?: { code: string } }).error?.code];

    const [header, payload, signature] = token.split(".");
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    expect(await codeOf(await postDecision(domain, approval.id, owner, { intent: "approve", t: `${header}.${payload}.${flipped}` }))).toEqual([400, "invalid_token"]);
    const otherClaims = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), email: "x@example.com" })).toString("base64url");
    expect(await codeOf(await postDecision(domain, approval.id, owner, { intent: "approve", t: `${header}.${otherClaims}.${signature}` }))).toEqual([400, "invalid_token"]);
    expect(await codeOf(await postDecision(domain, approval.id, owner, { intent: "approve", t: "not-a-token" }))).toEqual([400, "invalid_token"]);
    const forged = await new SignJWT({ shop: domain, approval: approval.id, email: shop.ownerEmail })
      .setProtectedHeader({ alg: "HS256" })
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("1h")
      .setIssuer(new URL(APP_URL).origin)
      .setAudience("rappit:cod-approval")
      .sign(randomBytes(32));
    expect(await codeOf(await postDecision(domain, approval.id, owner, { intent: "approve", t: forged }))).toEqual([400, "invalid_token"]);
    const expired = await mintFor(db, domain, approval.id, shop.ownerEmail!, { now: new Date(Date.now() - 25 * 3_600_000) });
    expect(await codeOf(await postDecision(domain, approval.id, owner, { intent: "approve", t: expired }))).toEqual([410, "expired_token"]);
    const colleague = staff("colleague@example.com");
    expect(await codeOf(await postDecision(domain, approval.id, colleague, { intent: "approve", t: token }))).toEqual([403, "forbidden"]);
    const other = await installedShop();
    const otherOwner = staff(other.shop.ownerEmail!);
    expect(await codeOf(await postDecision(other.domain, approval.id, otherOwner, { intent: "approve", t: token }))).toEqual([403, "forbidden"]);
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("PENDING");

    // Decided from the Approvals list (no token), then the link is used.
    const listRequest = await asAdmin(domain, "/app/approvals?index", colleague, { method: "POST", body: new URLSearchParams({ intent: "reject", approvalId: approval.id }) });
    const listed = await settle(() => app.list.action({ request: listRequest, params: {}, context: { clientIp: ip() } }));
    expect(listed.status).toBe(200);
    const late = await postDecision(domain, approval.id, owner, { intent: "approve", t: token });
    expect(late.status).toBe(409);
    const body = (await late.json()) as { error: { decided: { decidedByEmail: string; decidedAt: string; decidedVia: string; status: string } } };
    expect(body.error.decided).toMatchObject({ decidedByEmail: "colleague@example.com", decidedVia: "APP", status: "REJECTED" });
    expect(body.error.decided.decidedAt).toBeTruthy();
    expect((await db.approvalToken.findMany({ where: { approvalId: approval.id, usedAt: { not: null } } })).length).toBe(0);
  });

  it("keeps links issued before a secret rotation working; a token signed with an unknown secret is 400", async () => {
    const saved = { current: process.env.APPROVAL_TOKEN_SECRET, old: process.env.APPROVAL_TOKEN_SECRET_OLD };
    const secretA = randomBytes(32).toString("base64");
    const secretB = randomBytes(32).toString("base64");
    try {
      const { shop, db, domain } = await installedShop();
      const first = await codOrder(shop);
      const second = await codOrder(shop);
      const owner = staff(shop.ownerEmail!);
      process.env.APPROVAL_TOKEN_SECRET = secretA;
      delete process.env.APPROVAL_TOKEN_SECRET_OLD;
      const issuedWithA = await mintFor(db, domain, first.approval.id, shop.ownerEmail!);
      // Rotation: B signs from now on, A only verifies.
      Object.assign(process.env, { APPROVAL_TOKEN_SECRET: secretB, APPROVAL_TOKEN_SECRET_OLD: secretA });
      const issuedWithB = await mintFor(db, domain, second.approval.id, shop.ownerEmail!);
      expect((await postDecision(domain, first.approval.id, owner, { intent: "approve", t: issuedWithA })).status).toBe(200);
      expect((await postDecision(domain, second.approval.id, owner, { intent: "approve", t: issuedWithB })).status).toBe(200);
      // A dropped entirely: a third link signed with A no longer verifies.
      const third = await codOrder(shop);
      process.env.APPROVAL_TOKEN_SECRET = secretA;
      const lateA = await mintFor(db, domain, third.approval.id, shop.ownerEmail!);
      Object.assign(process.env, { APPROVAL_TOKEN_SECRET: secretB });
      delete process.env.APPROVAL_TOKEN_SECRET_OLD;
      expect((await postDecision(domain, third.approval.id, owner, { intent: "approve", t: lateA })).status).toBe(400);
    } finally {
      for (const [key, value] of [["APPROVAL_TOKEN_SECRET", saved.current], ["APPROVAL_TOKEN_SECRET_OLD", saved.old]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("limits decisions to 20 per hour per admin: 429 with Retry-After", async () => {
    const { domain } = await installedShop();
    const admin = staff("busy@example.com");
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) {
      last = await postDecision(domain, randomUUID(), admin, { intent: "approve" });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 404)).toBe(true);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ ok: false, error: { status: 429, code: "rate_limited" } });
  });
});

describe("WooCommerce", () => {
  it("rejecting a WooCommerce COD order cancels it in the store", async () => {
    const domain = `apr-${randomBytes(4).toString("hex")}.myshopify.com`;
    const shop = await app.db.getPrisma().shop.create({ data: { domain, ownerEmail: "owner@woo.example" } });
    const db = app.db.forShop(shop.id);
    const key = woo.state.issueKey({ permissions: "read_write" });
    const channelId = randomUUID();
    await db.channel.create({
      data: { id: channelId, shopId: shop.id, type: "WOOCOMMERCE", externalId: woo.url, name: "woo", credentials: app.wooCredentials.sealCredentials(channelId, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret }) },
    });
    const placed = await woo.state.createOrder({ payment_method: "cod" }, { deliver: false });
    await app.wooJobs.runOrderPoll({ shopId: shop.id, channelId });
    const order = await db.order.findFirstOrThrow({ where: { channelId, externalOrderId: String(placed.id) } });
    expect(order.status).toBe("PENDING_APPROVAL");
    const approval = await db.approval.findFirstOrThrow({ where: { orderId: order.id } });
    await app.decide.decideApproval(db, { approvalId: approval.id, decision: "REJECT", via: "APP", actor: { userId: "7", email: "owner@woo.example" }, ip: "192.0.2.1" });
    await app.effects.runApplyDecision({ shopId: shop.id, approvalId: approval.id });
    expect(woo.state.orderJson(placed.id)?.status).toBe("cancelled");
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CANCELLED");
  });

  it("an order cancelled on the channel while pending closes its approval (SYSTEM)", async () => {
    const { shop, db } = await installedShop();
    const { approval, order } = await codOrder(shop);
    await app.pipeline.cancelOrder(db, order.id);
    expect(await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "CANCELLED", decidedVia: "SYSTEM" });
  });
});

describe("under load", () => {
  it("100 concurrent link decisions on 100 approvals all succeed once", async () => {
    const { shop, db, domain } = await installedShop();
    const cases = [];
    for (let i = 0; i < 100; i++) {
      const { approval } = await codOrder(shop);
      const email = `approver-${i}-${randomBytes(2).toString("hex")}@example.com`;
      cases.push({ approval, sub: staff(email), token: await mintFor(db, domain, approval.id, email) });
    }
    const responses = await Promise.all(cases.map((c) => postDecision(domain, c.approval.id, c.sub, { intent: "approve", t: c.token })));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(await db.approval.count({ where: { id: { in: cases.map((c) => c.approval.id) }, status: "APPROVED" } })).toBe(100);
    expect(await db.auditLog.count({ where: { action: "ORDER_APPROVED" } })).toBe(100);
  }, 60_000);

  it("100 concurrent decisions on the same approval: exactly one success, 99 × 409", async () => {
    const { shop, db, domain } = await installedShop();
    const { approval, order } = await codOrder(shop);
    const admins = [];
    for (let i = 0; i < 100; i++) {
      const email = `same-${i}-${randomBytes(2).toString("hex")}@example.com`;
      admins.push({ sub: staff(email), token: await mintFor(db, domain, approval.id, email) });
    }
    const responses = await Promise.all(admins.map((a, i) => postDecision(domain, approval.id, a.sub, { intent: i % 2 ? "approve" : "reject", t: a.token })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    expect(await db.approvalToken.count({ where: { approvalId: approval.id, usedAt: { not: null } } })).toBe(1);
    expect(await db.auditLog.count({ where: { subjectId: order.id, action: { in: ["ORDER_APPROVED", "ORDER_REJECTED"] } } })).toBe(1);
  }, 60_000);
});
