import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSendgridEmulator, type SendgridEmulator } from "../../emulators/sendgrid/server";
import { startSmtpCatcher, type SmtpCatcher } from "../../emulators/smtp/server";
import { startWhatsappEmulator, type WhatsappEmulator } from "../../emulators/whatsapp/server";
import { startRouteServer } from "../support/route-server";

// The emulators speak the providers' side of the wire: these pin their answers.
let sendgrid: SendgridEmulator;
let smtp: SmtpCatcher;
let whatsapp: WhatsappEmulator;

beforeAll(async () => {
  [sendgrid, smtp, whatsapp] = await Promise.all([startSendgridEmulator({ apiKey: "SG.test.key" }), startSmtpCatcher(), startWhatsappEmulator({ token: "EAAtoken", phoneNumberId: "1234567890" })]);
});
afterAll(async () => {
  await Promise.all([sendgrid.close(), smtp.close(), whatsapp.close()]);
});

const mail = {
  personalizations: [{ to: [{ email: "buyer@example.com" }] }],
  from: { email: "shop@example.com", name: "Shop" },
  subject: "Hello",
  content: [
    { type: "text/plain", value: "hi" },
    { type: "text/html", value: "<p>hi</p>" },
  ],
};
const sendgridPost = (body: unknown, key = "SG.test.key") =>
  fetch(`${sendgrid.url}/v3/mail/send`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("SendGrid emulator", () => {
  it("202 with X-Message-Id and no body; the mail is kept", async () => {
    const response = await sendgridPost(mail);
    expect(response.status).toBe(202);
    const id = response.headers.get("x-message-id");
    expect(id).toMatch(/^[\w-]{10,}$/);
    expect(await response.text()).toBe("");
    expect(sendgrid.state.mails.find((kept) => kept.id === id)).toMatchObject({ to: ["buyer@example.com"], subject: "Hello", text: "hi", html: "<p>hi</p>" });
  });

  it("401 for a wrong key, 400 with errors[] naming the field for a bad body", async () => {
    const unauthorized = await sendgridPost(mail, "SG.wrong");
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ errors: [{ message: expect.stringContaining("authorization grant"), field: null, help: null }] });
    const bad = await sendgridPost({ ...mail, personalizations: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: "personalizations" }] });
    const htmlFirst = await sendgridPost({ ...mail, content: [...mail.content].reverse() });
    expect(htmlFirst.status).toBe(400);
  });

  it("faults: 429 with Retry-After, 503, and down (connection dropped)", async () => {
    sendgrid.state.faults.rateLimitNext = 1;
    const limited = await sendgridPost(mail);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    sendgrid.state.faults.fail5xxNext = 1;
    expect((await sendgridPost(mail)).status).toBe(503);
    sendgrid.state.faults.down = true;
    await expect(sendgridPost(mail)).rejects.toThrow();
    sendgrid.state.resetFaults();
    expect((await sendgridPost(mail)).status).toBe(202);
  });
});

describe("WhatsApp emulator", () => {
  const send = (body: unknown, token = "EAAtoken", phoneNumberId = "1234567890") =>
    fetch(`${whatsapp.url}/v23.0/${phoneNumberId}/messages`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const template = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: "14155550134",
    type: "template",
    template: { name: "order_shipped", language: { code: "en_US" }, components: [{ type: "body", parameters: [{ type: "text", text: "#1001" }] }] },
  };

  it("answers contacts and messages[0].id (a wamid) and keeps the template call", async () => {
    const response = await send(template);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { messages: Array<{ id: string }>; contacts: Array<{ wa_id: string }> };
    expect(body.messages[0].id).toMatch(/^wamid\./);
    expect(body.contacts[0].wa_id).toBe("14155550134");
    expect(whatsapp.state.sent.at(-1)).toMatchObject({ wamid: body.messages[0].id, templateName: "order_shipped", language: "en_US", parameters: ["#1001"] });
  });

  it("Graph error bodies: 190 for a bad token, 100 for an unknown phone number id, injected codes", async () => {
    const unauthorized = await send(template, "EAAwrong");
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: { message: expect.any(String), type: "OAuthException", code: 190, fbtrace_id: expect.any(String) } });
    const unknownNumber = await send(template, "EAAtoken", "999");
    expect((await unknownNumber.json()) as unknown).toMatchObject({ error: { code: 100, error_subcode: 33 } });
    whatsapp.state.failWith(1, 400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit");
    const pair = await send(template);
    expect(pair.status).toBe(400);
    expect(await pair.json()).toMatchObject({ error: { code: 131056 } });
    whatsapp.state.fail5xx(1);
    expect((await send(template)).status).toBe(500);
    expect((await send(template)).status).toBe(200);
  });

  it("status webhooks carry sha256=<hex HMAC of the raw body> with the app secret, in the order given", async () => {
    const received: Array<{ signature: string | null; body: string }> = [];
    const app = await startRouteServer([
      [/^\/hook$/, { action: async ({ request }) => (received.push({ signature: request.headers.get("x-hub-signature-256"), body: await request.text() }), new Response("ok")) }],
    ]);
    try {
      await whatsapp.sendStatuses(`${app.url}/hook`, [
        { wamid: "wamid.A", status: "read", recipient: "1" },
        { wamid: "wamid.A", status: "delivered", recipient: "1" },
      ]);
      const [delivery] = received;
      expect(delivery.signature).toBe(`sha256=${createHmac("sha256", whatsapp.state.appSecret).update(delivery.body).digest("hex")}`);
      const payload = JSON.parse(delivery.body) as { object: string; entry: Array<{ changes: Array<{ value: { statuses: Array<{ status: string }> } }> }> };
      expect(payload.object).toBe("whatsapp_business_account");
      expect(payload.entry[0].changes[0].value.statuses.map((status) => status.status)).toEqual(["read", "delivered"]);
    } finally {
      await app.close();
    }
  });
});

describe("SMTP catcher", () => {
  const transport = () => nodemailer.createTransport({ url: smtp.url });

  it("keeps what nodemailer sends: envelope, decoded subject, text and html parts", async () => {
    await transport().sendMail({ from: "Shop <shop@example.com>", to: "buyer@example.com", subject: "Commande n° 1001 — expédiée ✓", text: "Bonjour é\nligne 2 ".repeat(20), html: "<p>Bonjour é</p>" });
    const caught = await smtp.state.waitFor((kept) => kept.envelope.to.includes("buyer@example.com"));
    expect(caught).toMatchObject({ subject: "Commande n° 1001 — expédiée ✓", from: "shop@example.com", to: ["buyer@example.com"], html: "<p>Bonjour é</p>", user: smtp.user });
    expect(caught.text).toBe("Bonjour é\nligne 2 ".repeat(20).replace(/\n$/, ""));
  });

  it("refuses a wrong password (535) and rejects messages on demand (4xx/5xx)", async () => {
    const wrong = nodemailer.createTransport({ url: smtp.url.replace(encodeURIComponent(smtp.password), "nope") });
    await expect(wrong.sendMail({ from: "a@example.com", to: "b@example.com", subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 535 });
    smtp.state.faults.rejectNext = { count: 1, code: 550, message: "5.1.1 mailbox unavailable" };
    await expect(transport().sendMail({ from: "a@example.com", to: "b@example.com", subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 550 });
    smtp.state.faults.down = true;
    await expect(transport().sendMail({ from: "a@example.com", to: "b@example.com", subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 421 });
    smtp.state.resetFaults();
  });
});
