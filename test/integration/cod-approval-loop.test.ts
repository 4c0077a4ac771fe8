import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, getJwt } from "@shopify/shopify-api/test-helpers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { webhookPayload } from "../../emulators/shopify/orders";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startSmtpCatcher, type SmtpCatcher } from "../../emulators/smtp/server";
import { startWhatsappEmulator, type WhatsappEmulator } from "../../emulators/whatsapp/server";
import { settle } from "../support/settle";
import { installShopWithFedex } from "../support/installed-shop";
import { startRouteServer, type RouteServer } from "../support/route-server";
import { until } from "../support/until";

// The whole COD loop on the real workers, over real sockets: a COD order webhook →
// the approval email caught by an SMTP server → its link followed → the page shows the
// order and changes nothing → Approve with an admin session → label bought, tracking on
// Shopify → the buyer's WhatsApp "shipped" template sent and its delivery report applied.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-cod-loop-${randomBytes(3).toString("hex")}`;
const prefix = process.env.QUEUE_PREFIX;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  queueNames: await import("~/jobs/queue-names"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  home: await import("~/routes/app._index"),
  page: await import("~/routes/app.approvals.$id"),
  whatsappWebhook: await import("~/routes/webhooks.whatsapp"),
  inbound: await import("~/webhooks/inbound-events.server"),
  accounts: await import("~/carriers/accounts.server"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let whatsapp: WhatsappEmulator;
let smtp: SmtpCatcher;
let routes: RouteServer;
let runtime: WorkerRuntime;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: process.env.SCOPES ?? "" });
  fedex = await startFedexEmulator();
  whatsapp = await startWhatsappEmulator();
  smtp = await startSmtpCatcher();
  Object.assign(process.env, {
    SHOPIFY_API_ORIGIN: shopify.url,
    FEDEX_API_ORIGIN: fedex.url,
    SMTP_URL: smtp.url,
    WHATSAPP_API_ORIGIN: whatsapp.url,
    WHATSAPP_TOKEN: whatsapp.state.token,
    WHATSAPP_PHONE_NUMBER_ID: whatsapp.state.phoneNumberId,
    WHATSAPP_APP_SECRET: whatsapp.state.appSecret,
  });
  app = await loadApp();
  routes = await startRouteServer([[/^\/webhooks\/whatsapp$/, app.whatsappWebhook]]);
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix,
    queues: app.queueNames.QUEUE_NAMES,
    handlers: app.handlers.jobHandlers,
    logger: silent,
    heartbeat: false,
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  for (const name of app.queueNames.QUEUE_NAMES) await app.queues.getQueue(name).obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await Promise.all([shopify.close(), fedex.close(), whatsapp.close(), smtp.close(), routes.close()]);
});

async function installedShop() {
  const { shop, db, domain } = await installShopWithFedex(shopify, fedex, "loop");
  await db.shop.update({
    where: { id: shop.id },
    data: { whatsappTemplates: { language: "en_US", approved: "cod_approved", rejected: "cod_rejected", shipped: "order_shipped" } },
  });
  return { shop: { ...shop, ownerEmail: (await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).ownerEmail }, db, domain };
}

async function asAdmin(domain: string, path: string, sub: number | null, init?: RequestInit) {
  const headers = new Headers(init?.headers);
  if (sub !== null) {
    const { token } = await getJwt(domain.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY, { sub: String(sub) });
    headers.set("Authorization", `Bearer ${token}`);
  }
  return new Request(`${APP_URL}${path}`, { ...init, headers });
}

async function snapshot(db: ReturnType<typeof app.db.forShop>) {
  return JSON.stringify(
    await Promise.all([
      db.approval.findMany({ orderBy: { id: "asc" } }),
      db.approvalToken.findMany({ orderBy: { id: "asc" } }),
      db.order.findMany({ orderBy: { id: "asc" } }),
      db.auditLog.count(),
      // Levels only: the stock push job may mark items synced in the background meanwhile.
      db.inventoryItem.findMany({ orderBy: { id: "asc" }, select: { sku: true, available: true, reserved: true, version: true } }),
    ]),
  );
}

const LINK = /https:\/\/admin\.shopify\.com\/store\/([^/\s]+)\/apps\/([^/\s]+)\/app\/approvals\/([0-9a-f-]{36})\?t=([A-Za-z0-9._-]+)/;

describe("a COD order from webhook to the buyer's doorstep message", () => {
  it("email link → page (no change) → approve → label and tracking → WhatsApp shipped, delivered", { timeout: 60_000 }, async () => {
    const { shop, db, domain } = await installedShop();
    await db.inventoryItem.create({ data: { shopId: shop.id, sku: "TOTE-1", title: "Canvas tote", available: 3 } });
    const emulated = shopify.state.createOrder(domain, {
      lineItems: [{ id: 9001, sku: "TOTE-1", title: "Canvas tote", quantity: 1, price: "25.00" }],
    } as never);
    await app.inbound.recordAndEnqueue(
      app.db.getPrisma(),
      { provider: "SHOPIFY", shop: { domain }, topic: "ORDERS_CREATE", webhookId: randomBytes(8).toString("hex"), payload: webhookPayload(emulated) },
      silent,
    );

    // The inbound worker routes it: stock reserved, approval requested, the owner emailed.
    const order = await until(() => db.order.findFirst({ where: { externalOrderId: String(emulated.id) } }), (row) => row?.status === "PENDING_APPROVAL");
    const mail = await smtp.state.waitFor((caught) => caught.envelope.to.includes(shop.ownerEmail!), 20_000);
    const link = (mail.text ?? "").match(LINK);
    expect(link, mail.text ?? "").not.toBeNull();
    const [, store, handle, approvalId, token] = link!;
    expect([store, handle]).toEqual([domain.replace(".myshopify.com", ""), "rappit"]);
    expect(mail.subject).toContain(order!.name);

    // Opening the link (an admin, or a mail scanner without a session) changes nothing.
    const before = await snapshot(db);
    const owner = 77_001;
    shopify.state.setStaffEmail(owner, shop.ownerEmail!);
    const page = await settle(async () =>
      app.page.loader({ request: await asAdmin(domain, `/app/approvals/${approvalId}?t=${token}`, owner), params: { id: approvalId }, context: { clientIp: "203.0.113.7" } }),
    );
    expect(page.status).toBe(200);
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    const scanner = await settle(async () =>
      app.page.loader({ request: await asAdmin(domain, `/app/approvals/${approvalId}?t=${token}`, null), params: { id: approvalId }, context: { clientIp: "40.94.0.1" } }),
    );
    expect(scanner.status).not.toBe(200);
    expect(await snapshot(db)).toBe(before);

    // Approve from the embedded page: the admin's session and the link's token.
    const decided = await settle(async () =>
      app.page.action({
        request: await asAdmin(domain, `/app/approvals/${approvalId}`, owner, { method: "POST", body: new URLSearchParams({ intent: "approve", t: token }) }),
        params: { id: approvalId },
        context: { clientIp: "203.0.113.7" },
      }),
    );
    expect(decided.status).toBe(200);

    const fulfilled = await until(() => db.order.findUniqueOrThrow({ where: { id: order!.id } }), (row) => row.status === "FULFILLED", 30_000);
    expect(fulfilled.status).toBe("FULFILLED");
    const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order!.id } });
    expect(emulated.fulfillments).toHaveLength(1);
    expect(JSON.stringify(emulated.fulfillments[0])).toContain(shipment.trackingNumber!);
    expect((await db.inventoryItem.findFirstOrThrow({ where: { sku: "TOTE-1" } })).reserved).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "ORDER_APPROVED", subjectId: order!.id } });
    expect(audit.actorEmail).toBe(shop.ownerEmail);

    // The buyer heard twice on WhatsApp: approved, then shipped with the tracking number.
    const shipped = await until(
      async () => whatsapp.state.sent.find((sent) => sent.templateName === "order_shipped"),
      (sent) => Boolean(sent),
      15_000,
    );
    expect(shipped!.parameters.join(" ")).toContain(shipment.trackingNumber!);
    expect(whatsapp.state.sent.filter((sent) => sent.templateName === "cod_approved")).toHaveLength(1);
    const message = await until(
      () => db.messageLog.findFirst({ where: { orderId: order!.id, template: "order-shipped" } }),
      (row) => row?.status === "SENT",
    );

    // Meta reports delivery: the signed status webhook moves the message on.
    const answer = await whatsapp.sendStatuses(`${routes.url}/webhooks/whatsapp`, [{ wamid: shipped!.wamid, status: "delivered", recipient: shipped!.to }]);
    expect(answer.status).toBe(200);
    const delivered = await until(() => db.messageLog.findUniqueOrThrow({ where: { id: message!.id } }), (row) => row.status === "DELIVERED");
    expect(delivered.status).toBe("DELIVERED");
  });
});
