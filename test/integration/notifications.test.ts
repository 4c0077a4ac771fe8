import { randomBytes, randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startSendgridEmulator, type SendgridEmulator } from "../../emulators/sendgrid/server";
import { startSmtpCatcher, type SmtpCatcher } from "../../emulators/smtp/server";
import { startWhatsappEmulator, type WhatsappEmulator } from "../../emulators/whatsapp/server";
import { until } from "../support/until";

// Email (SendGrid, then SMTP) and WhatsApp sends on the real worker runtime, against the
// emulators: one row per message, retries, FAILED + dead letter, resend, no double send.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-notif-${randomBytes(3).toString("hex")}`;
const prefix = process.env.QUEUE_PREFIX;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  runtime: await import("~/jobs/worker-runtime.server"),
  handlers: await import("~/jobs/job-handlers.server"),
  messages: await import("~/notifications/messages.server"),
  send: await import("~/notifications/send-message.server"),
  mailer: await import("~/notifications/email/mailer.server"),
  smtp: await import("~/notifications/email/smtp-transport.server"),
  templates: await import("~/notifications/templates/index.server"),
  shops: await import("../factories/shop.factory"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let sendgrid: SendgridEmulator;
let smtp: SmtpCatcher;
let whatsapp: WhatsappEmulator;
let runtime: WorkerRuntime;

beforeAll(async () => {
  [sendgrid, smtp, whatsapp] = await Promise.all([startSendgridEmulator(), startSmtpCatcher(), startWhatsappEmulator()]);
  Object.assign(process.env, {
    SENDGRID_API_KEY: sendgrid.state.apiKey,
    SENDGRID_API_ORIGIN: sendgrid.url,
    SMTP_URL: smtp.url,
    EMAIL_FROM: "Rappit Test <orders@rappit.test>",
    WHATSAPP_TOKEN: whatsapp.state.token,
    WHATSAPP_PHONE_NUMBER_ID: whatsapp.state.phoneNumberId,
    WHATSAPP_API_ORIGIN: whatsapp.url,
    QUEUE_RETRY: JSON.stringify({ notifications: { attempts: 3, backoffMs: 100 } }),
  });
  app = await loadApp();
  runtime = app.runtime.startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix,
    queues: ["notifications"],
    handlers: app.handlers.jobHandlers,
    logger: pino({ level: "silent" }),
    heartbeat: false,
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  await app.queues.getQueue("notifications").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.smtp.closeSmtpTransport();
  await app.db.disconnectPrisma();
  await Promise.all([sendgrid.close(), smtp.close(), whatsapp.close()]);
});

beforeEach(() => {
  sendgrid.state.resetFaults();
  smtp.state.resetFaults();
  whatsapp.state.resetFaults();
  app.mailer.resetMailerBreaker();
});

const address = () => `buyer-${randomBytes(4).toString("hex")}@example.com`;

async function shopDb() {
  const shop = await app.shops.buildShop();
  return app.db.forShop(shop.id);
}

function shippedEmail(to: string, dedupeKey = `email:${randomUUID()}`) {
  return {
    channel: "EMAIL" as const,
    recipient: to,
    template: "order-shipped" as const,
    content: { orderName: "#1042", carrier: "FedEx", trackingNumber: "794612345678", trackingUrl: "https://www.fedex.com/fedextrack/?trknbr=794612345678" },
    dedupeKey,
  };
}

type Db = Awaited<ReturnType<typeof shopDb>>;
const row = (db: Db, id: string) => db.messageLog.findFirstOrThrow({ where: { id } });
const settled = (db: Db, id: string, status: string) =>
  until(() => row(db, id), (message) => message.status === status, 15_000);

async function orderWithPhone(db: Db, phone: string | null, name = "#2001") {
  const channel = await db.channel.create({ data: { shopId: db.$shopId(), type: "SHOPIFY", externalId: `${randomUUID()}.myshopify.com`, name: "Shop" } });
  const now = new Date();
  return db.order.create({
    data: {
      shopId: db.$shopId(),
      channelId: channel.id,
      externalOrderId: randomUUID(),
      name,
      phone,
      shippingAddress: { countryCode: "US" },
      totalPrice: "25.00",
      currency: "USD",
      cod: true,
      externalCreatedAt: now,
      externalUpdatedAt: now,
    },
  });
}

async function withTemplates(db: Db) {
  await db.shop.update({
    where: { id: db.$shopId() },
    data: { whatsappTemplates: { language: "en_US", approved: "cod_approved", rejected: "cod_rejected", shipped: "order_shipped" } },
  });
}

describe("email", () => {
  it("sends through SendGrid (202) and records SENT with SendGrid's message id", async () => {
    const db = await shopDb();
    const to = address();
    const { messageId, created } = await app.messages.queueMessage(db, shippedEmail(to));
    expect(created).toBe(true);
    const sent = await settled(db, messageId, "SENT");
    const [mail] = sendgrid.state.mailsTo(to);
    expect(sent).toMatchObject({ provider: "SENDGRID", providerMessageId: mail.id, attempts: 1, error: null, sentAt: expect.any(Date) });
    expect(mail).toMatchObject({ from: "orders@rappit.test", subject: "Order #1042 shipped" });
    expect(mail.text).toContain("794612345678");
    expect(mail.html).toContain("<p>");
    expect(smtp.state.mailsTo(to)).toHaveLength(0);
  });

  it("falls back to SMTP when SendGrid is down: the catcher receives it", async () => {
    sendgrid.state.faults.down = true;
    const db = await shopDb();
    const to = address();
    const { messageId } = await app.messages.queueMessage(db, shippedEmail(to));
    const sent = await settled(db, messageId, "SENT");
    const caught = await smtp.state.waitFor((mail) => mail.envelope.to.includes(to));
    expect(sent).toMatchObject({ provider: "SMTP", attempts: 1 });
    expect(caught).toMatchObject({ subject: "Order #1042 shipped", from: "orders@rappit.test", to: [to], user: smtp.user });
    expect(caught.text).toContain("Tracking number: 794612345678");
    expect(caught.html).toContain("https://www.fedex.com/fedextrack/?trknbr=794612345678");
    expect(sendgrid.state.mailsTo(to)).toHaveLength(0);
  });

  it("falls back to SMTP on a SendGrid 5xx and 429 too", async () => {
    sendgrid.state.faults.fail5xxNext = 1;
    const db = await shopDb();
    const first = await app.messages.queueMessage(db, shippedEmail(address()));
    expect(await settled(db, first.messageId, "SENT")).toMatchObject({ provider: "SMTP" });
    sendgrid.state.faults.rateLimitNext = 1;
    const second = await app.messages.queueMessage(db, shippedEmail(address()));
    expect(await settled(db, second.messageId, "SENT")).toMatchObject({ provider: "SMTP" });
  });

  it("both transports down: retried, then FAILED with the errors and a dead letter; resend then succeeds", async () => {
    sendgrid.state.faults.fail5xxNext = 1_000;
    smtp.state.faults.down = true;
    const db = await shopDb();
    const to = address();
    const { messageId } = await app.messages.queueMessage(db, shippedEmail(to));
    const failed = await settled(db, messageId, "FAILED");
    expect(failed.attempts).toBe(3);
    expect(failed.error).toContain("SENDGRID: 503");
    expect(failed.error).toContain("SMTP: 421");
    const deadLetter = await until(
      () => db.deadLetter.findFirst({ where: { jobId: `message-${messageId}` } }),
      (letter) => letter !== null,
    );
    expect(deadLetter).toMatchObject({ queue: "notifications", jobName: "notifications.send-message", attempts: 3, status: "OPEN" });

    sendgrid.state.resetFaults();
    smtp.state.resetFaults();
    await app.messages.resendMessage(db, messageId, { type: "USER", id: "42", email: "admin@example.com" });
    const sent = await settled(db, messageId, "SENT");
    expect(sent).toMatchObject({ provider: "SENDGRID", attempts: 4, error: null });
    expect(sendgrid.state.mailsTo(to)).toHaveLength(1);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "MESSAGE_RESENT", subjectId: messageId } });
    expect(audit).toMatchObject({ actorType: "USER", actorEmail: "admin@example.com", before: { status: "FAILED", attempts: 3 }, after: { status: "QUEUED", jobId: `message-${messageId}-r3` } });
  });

  it("queueing the same dedupe key twice gives one row and one send", async () => {
    const db = await shopDb();
    const to = address();
    const key = `approval-request:${randomUUID()}:${to}`;
    const [one, two] = await Promise.all([app.messages.queueMessage(db, shippedEmail(to, key)), app.messages.queueMessage(db, shippedEmail(to, key))]);
    expect(one.messageId).toBe(two.messageId);
    expect([one.created, two.created].sort()).toEqual([false, true]);
    await settled(db, one.messageId, "SENT");
    const again = await app.messages.queueMessage(db, shippedEmail(to, key));
    expect(again).toEqual({ messageId: one.messageId, created: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.messageLog.count({ where: { dedupeKey: key } })).toBe(1);
    expect(sendgrid.state.mailsTo(to)).toHaveLength(1);
  });

  it("a send job run again after SENT does nothing", async () => {
    const db = await shopDb();
    const to = address();
    const { messageId } = await app.messages.queueMessage(db, shippedEmail(to));
    await settled(db, messageId, "SENT");
    const rerun = await app.send.runSendMessage({ shopId: db.$shopId(), messageId }, { attempt: 1 });
    expect(rerun).toEqual({ outcome: "already-sent" });
    expect(sendgrid.state.mailsTo(to)).toHaveLength(1);
    expect((await row(db, messageId)).attempts).toBe(1);
  });

  it("an email template without a renderer fails at once with a clear error", async () => {
    // The workers run in this process: take the renderer out of the registry for this test.
    const renderer = app.templates.emailRenderers["order-approved"];
    delete app.templates.emailRenderers["order-approved"];
    try {
      const db = await shopDb();
      const { messageId } = await app.messages.queueMessage(db, { ...shippedEmail(address()), template: "order-approved" });
      const failed = await settled(db, messageId, "FAILED");
      expect(failed.attempts).toBe(1);
      expect(failed.error).toMatch(/No email renderer for template "order-approved"/);
    } finally {
      if (renderer) app.messages.registerEmailRenderer("order-approved", renderer);
    }
  });

  it("resend: only FAILED messages (409), unknown or another shop's message is 404", async () => {
    const db = await shopDb();
    const other = await shopDb();
    const { messageId } = await app.messages.queueMessage(db, shippedEmail(address()));
    await settled(db, messageId, "SENT");
    const actor = { type: "USER" as const, id: "1" };
    await expect(app.messages.resendMessage(db, messageId, actor)).rejects.toMatchObject({ name: "MessageNotResendableError", status: 409 });
    await expect(app.messages.resendMessage(other, messageId, actor)).rejects.toMatchObject({ name: "MessageNotFoundError", status: 404 });
    await expect(app.messages.resendMessage(db, randomUUID(), actor)).rejects.toBeInstanceOf(app.messages.MessageNotFoundError);
    await expect(app.messages.resendMessage(db, "not-a-uuid", actor)).rejects.toBeInstanceOf(app.messages.MessageNotFoundError);
  });

  it("refuses content that holds a secret", async () => {
    const db = await shopDb();
    await expect(app.messages.queueMessage(db, { ...shippedEmail(address()), content: { accessToken: "abc" } })).rejects.toThrow(/must not hold secrets/);
  });

  it("the sweep enqueues a message left QUEUED (Redis was down when it was queued)", async () => {
    const db = await shopDb();
    const to = address();
    const stale = await db.messageLog.create({
      data: { shopId: db.$shopId(), channel: "EMAIL", recipient: to, template: "order-approved", content: { orderName: "#7" }, dedupeKey: randomUUID(), updatedAt: new Date(Date.now() - 120_000) },
    });
    await db.messageLog.updateMany({ where: { id: stale.id }, data: { updatedAt: new Date(Date.now() - 120_000) } });
    const { enqueued } = await app.send.sweepQueuedMessages({ limit: 10_000 });
    expect(enqueued).toBeGreaterThanOrEqual(1);
    expect(await settled(db, stale.id, "SENT")).toMatchObject({ provider: "SENDGRID" });
    expect(sendgrid.state.mailsTo(to)[0].subject).toBe("Order #7 confirmed");
  });
});

describe("WhatsApp to the buyer", () => {
  it("sends the shop's shipped template with order name, carrier, tracking number and URL", async () => {
    const db = await shopDb();
    await withTemplates(db);
    const order = await orderWithPhone(db, "+1 (415) 555-0134", "#3003");
    const messageId = await app.messages.notifyBuyer(db, order.id, "shipped", { carrier: "FedEx", trackingNumber: "794600000001", trackingUrl: "https://t.example/794600000001" });
    expect(messageId).toEqual(expect.any(String));
    const sent = await settled(db, messageId!, "SENT");
    const wire = whatsapp.state.sent.find((message) => message.wamid === sent.providerMessageId);
    expect(sent).toMatchObject({ channel: "WHATSAPP", provider: "WHATSAPP", recipient: "14155550134", template: "order-shipped", orderId: order.id, dedupeKey: `whatsapp:shipped:${order.id}` });
    expect(wire).toMatchObject({ to: "14155550134", templateName: "order_shipped", language: "en_US", parameters: ["#3003", "FedEx", "794600000001", "https://t.example/794600000001"] });
    expect(wire!.body).toMatchObject({ messaging_product: "whatsapp", recipient_type: "individual", type: "template" });
    // Once per (event, order).
    expect(await app.messages.notifyBuyer(db, order.id, "shipped")).toBe(messageId);
  });

  it("failing 3 times: FAILED with Meta's error and a dead letter; resend then succeeds", async () => {
    const db = await shopDb();
    await withTemplates(db);
    const order = await orderWithPhone(db, "+44 7700 900123");
    whatsapp.state.fail5xx(3);
    const messageId = (await app.messages.notifyBuyer(db, order.id, "approved"))!;
    const failed = await settled(db, messageId, "FAILED");
    expect(failed).toMatchObject({ attempts: 3, providerMessageId: null });
    expect(failed.error).toContain("WhatsApp error 131000");
    await until(() => db.deadLetter.findFirst({ where: { jobId: `message-${messageId}` } }), (letter) => letter !== null);

    await app.messages.resendMessage(db, messageId, { type: "USER", id: "7" });
    const sent = await settled(db, messageId, "SENT");
    expect(sent.attempts).toBe(4);
    expect(whatsapp.state.sent.filter((message) => message.to === "447700900123")).toHaveLength(1);
  });

  it("a non-retryable Meta error (recipient not allowed) fails after one attempt", async () => {
    const db = await shopDb();
    await withTemplates(db);
    const order = await orderWithPhone(db, "+1 415 555 0199");
    whatsapp.state.allowedRecipients.add("15550000000");
    const messageId = (await app.messages.notifyBuyer(db, order.id, "rejected"))!;
    const failed = await settled(db, messageId, "FAILED");
    expect(failed.attempts).toBe(1);
    expect(failed.error).toContain("131030");
  });

  it("phone numbers become E.164 digits, or nothing when the country cannot be known", async () => {
    const { toE164Digits } = await import("~/notifications/phone-numbers");
    expect(toE164Digits("+44 7700 900123")).toBe("447700900123");
    expect(toE164Digits("0044 7700 900123")).toBe("447700900123");
    expect(toE164Digits("07700 900123", "GB")).toBe("447700900123");
    expect(toE164Digits("(415) 555-0134", "US")).toBe("14155550134");
    expect(toE164Digits("06 12 34 56 78", "FR")).toBe("33612345678");
    expect(toE164Digits("0612345678")).toBeNull();
    expect(toE164Digits("+12")).toBeNull();
    expect(toE164Digits("")).toBeNull();
  });

  it("skipped (null, no row) without a phone or without a template for the event", async () => {
    const db = await shopDb();
    const noPhone = await orderWithPhone(db, null);
    await withTemplates(db);
    expect(await app.messages.notifyBuyer(db, noPhone.id, "approved")).toBeNull();
    const other = await shopDb();
    const withPhone = await orderWithPhone(other, "+1 415 555 0100");
    expect(await app.messages.notifyBuyer(other, withPhone.id, "approved")).toBeNull(); // no templates set
    await other.shop.update({ where: { id: other.$shopId() }, data: { whatsappTemplates: { language: "en_US", approved: "cod_approved" } } });
    expect(await app.messages.notifyBuyer(other, withPhone.id, "shipped")).toBeNull(); // none for "shipped"
    expect(await db.messageLog.count()).toBe(0);
    expect(await other.messageLog.count()).toBe(0);
  });
});
