import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWhatsappEmulator, type WhatsappEmulator } from "../../emulators/whatsapp/server";
import { startRouteServer, type RouteServer } from "../support/route-server";

// GET|POST /webhooks/whatsapp over real HTTP, with status webhooks signed by the
// WhatsApp emulator the way Meta signs them, delivered in the orders Meta may use.
const VERIFY_TOKEN = `verify-${randomBytes(8).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  redis: await import("~/jobs/redis.server"),
  route: await import("~/routes/webhooks.whatsapp"),
  shops: await import("../factories/shop.factory"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let whatsapp: WhatsappEmulator;
let server: RouteServer;
let hook: string;

beforeAll(async () => {
  whatsapp = await startWhatsappEmulator();
  Object.assign(process.env, { WHATSAPP_APP_SECRET: whatsapp.state.appSecret, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN });
  app = await loadApp();
  server = await startRouteServer([[/^\/webhooks\/whatsapp$/, app.route]]);
  hook = `${server.url}/webhooks/whatsapp`;
});

afterAll(async () => {
  await server.close();
  await whatsapp.close();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

const wamid = () => `wamid.${randomBytes(20).toString("base64url")}`;

async function sentMessage(status = "SENT") {
  const shop = await app.shops.buildShop();
  const db = app.db.forShop(shop.id);
  const id = wamid();
  const message = await db.messageLog.create({
    data: {
      shopId: shop.id,
      channel: "WHATSAPP",
      recipient: "14155550134",
      template: "order-shipped",
      content: { templateName: "order_shipped", language: "en_US", parameters: ["#1"] },
      dedupeKey: `whatsapp:shipped:${randomUUID()}`,
      provider: "WHATSAPP",
      providerMessageId: id,
      status,
      attempts: 1,
      sentAt: new Date(),
    },
  });
  return { db, message, wamid: id };
}

const statusOf = async (db: Awaited<ReturnType<typeof sentMessage>>["db"], id: string) => (await db.messageLog.findFirstOrThrow({ where: { id } })).status;

describe("GET /webhooks/whatsapp (verification)", () => {
  it("answers hub.challenge for subscribe with the verify token", async () => {
    const response = await fetch(`${hook}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("1158201444");
  });

  it("403 for a wrong token, a missing token or another mode", async () => {
    for (const query of [
      `hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1`,
      `hub.mode=subscribe&hub.challenge=1`,
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
    ]) {
      const response = await fetch(`${hook}?${query}`);
      expect(response.status, query).toBe(403);
      expect(await response.text()).not.toContain("1");
    }
  });
});

describe("POST /webhooks/whatsapp (statuses)", () => {
  it("401 for a missing or wrong signature, and nothing changes", async () => {
    const { db, message, wamid: id } = await sentMessage();
    const events = [{ wamid: id, status: "delivered" as const, recipient: "14155550134" }];
    expect((await whatsapp.sendStatuses(hook, events, { signature: "missing" })).status).toBe(401);
    expect((await whatsapp.sendStatuses(hook, events, { signature: "wrong" })).status).toBe(401);
    expect(await statusOf(db, message.id)).toBe("SENT");
    expect(await db.webhookEvent.count({ where: { provider: "WHATSAPP" } })).toBe(0);
  });

  it("applies delivered then read; a late delivered or sent never moves READ back", async () => {
    const { db, message, wamid: id } = await sentMessage();
    const recipient = "14155550134";
    // read arrives before delivered (Meta may skip or reorder delivered)
    expect((await whatsapp.sendStatuses(hook, [{ wamid: id, status: "read", recipient, timestamp: 1_760_000_200 }])).status).toBe(200);
    expect(await statusOf(db, message.id)).toBe("READ");
    const late = await whatsapp.sendStatuses(hook, [
      { wamid: id, status: "delivered", recipient, timestamp: 1_760_000_100 },
      { wamid: id, status: "sent", recipient, timestamp: 1_760_000_050 },
    ]);
    expect(late.status).toBe(200);
    expect(JSON.parse(late.body)).toMatchObject({ stale: 2 });
    const row = await db.messageLog.findFirstOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ status: "READ", statusAt: new Date(1_760_000_200_000) });
  });

  it("failed records Meta's error; a later delivered report wins; a failed after delivered is stale", async () => {
    const first = await sentMessage();
    const recipient = "14155550134";
    await whatsapp.sendStatuses(hook, [{ wamid: first.wamid, status: "failed", recipient, errors: [{ code: 131026, title: "Message undeliverable" }] }]);
    let row = await first.db.messageLog.findFirstOrThrow({ where: { id: first.message.id } });
    expect(row).toMatchObject({ status: "FAILED", error: "WhatsApp error 131026: Message undeliverable" });
    await whatsapp.sendStatuses(hook, [{ wamid: first.wamid, status: "delivered", recipient }]);
    row = await first.db.messageLog.findFirstOrThrow({ where: { id: first.message.id } });
    expect(row).toMatchObject({ status: "DELIVERED", error: null });

    const second = await sentMessage();
    await whatsapp.sendStatuses(hook, [
      { wamid: second.wamid, status: "delivered", recipient },
      { wamid: second.wamid, status: "failed", recipient },
    ]);
    expect(await statusOf(second.db, second.message.id)).toBe("DELIVERED");
  });

  it("records each (wamid, status) once: a redelivery is a duplicate", async () => {
    const { db, message, wamid: id } = await sentMessage();
    const events = [{ wamid: id, status: "delivered" as const, recipient: "14155550134" }];
    expect(JSON.parse((await whatsapp.sendStatuses(hook, events)).body)).toMatchObject({ applied: 1 });
    expect(JSON.parse((await whatsapp.sendStatuses(hook, events)).body)).toMatchObject({ applied: 0, duplicate: 1 });
    const recorded = await db.webhookEvent.findMany({ where: { provider: "WHATSAPP" } });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ webhookId: `${id}/delivered`, outcome: "applied", processedAt: expect.any(Date) });
    expect(await statusOf(db, message.id)).toBe("DELIVERED");
  });

  it("200 for statuses of messages Rappit does not know; 400 for a signed body that is not a WhatsApp notification", async () => {
    const unknown = await whatsapp.sendStatuses(hook, [{ wamid: wamid(), status: "delivered", recipient: "1" }]);
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toMatchObject({ "unknown-message": 1 });

    const { signBody } = await import("../../emulators/whatsapp/server");
    const body = JSON.stringify({ object: "page", entry: [] });
    const response = await fetch(hook, { method: "POST", body, headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signBody(whatsapp.state.appSecret, body) } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/invalid payload/);
  });
});
