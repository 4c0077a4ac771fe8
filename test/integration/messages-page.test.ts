import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

// Own queue prefix: Resend enqueues on the notifications queue, which this file inspects.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-messages-page-${randomBytes(3).toString("hex")}`;

const { ensureShopifyChannel } = await import("~/channels/shopify-channel.server");
const { disconnectPrisma, forShop } = await import("~/db/prisma.server");
const { closeQueues, getQueue } = await import("~/jobs/queues.server");
const { closeProducerRedis } = await import("~/jobs/redis.server");
const { messagesCsv, parseMessageFilter } = await import("~/notifications/message-queries.server");
const { ingestOrder } = await import("~/orders/order-ingestion.server");
const { action: listAction, loader: listLoader } = await import("~/routes/app.messages._index");
const { loader: exportLoader } = await import("~/routes/app.messages.export");
const { orderFromWebhook } = await import("~/shopify/order-mapping");
const { buildShop } = await import("../factories/shop.factory");
const { webhookOrder } = await import("../fixtures/shopify/order-payloads");
const { adminRequest, settle } = await import("../support/admin-requests");

afterAll(async () => {
  await getQueue("notifications").obliterate({ force: true });
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

type RouteFn = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(fn: unknown, shop: string, path: string, init?: RequestInit) {
  return settle(async () => (fn as RouteFn)({ request: await adminRequest(shop, path, init), params: {}, context: {} }));
}

interface Row {
  id: string;
  createdAt: string;
  channel: string;
  template: string;
  recipient: string;
  status: string;
  attempts: number;
  error: string | null;
  orderId: string | null;
  orderName: string | null;
}

async function list(shop: string, query = ""): Promise<{ status: number; error: string | null; rows: Row[]; olderCursor: string | null; newerCursor: string | null }> {
  const response = await call(listLoader, shop, `/app/messages${query}`);
  return { status: response.status, ...(await response.json()) };
}

const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 10, day, 12, minute));

/**
 * A shop with two orders (#1001, #1002) and these messages:
 * 1 Nov: email to jane (approval request, #1001, SENT)
 * 2 Nov: WhatsApp to 15551234567 (approved, #1001, DELIVERED)
 * 3 Nov: email to bob (approval request, #1002, FAILED, 3 attempts)
 * 4 Nov: WhatsApp to 447700900123 (shipped, #1002, FAILED)
 * 5 Nov: email to jane, no order (QUEUED)
 * WhatsApp numbers are stored as the notifications module stores them: E.164 digits, no plus.
 */
async function shopWithMessages() {
  const shop = await buildShop();
  const db = forShop(shop.id);
  const channel = await ensureShopifyChannel(db, shop.domain);
  const orderIds: string[] = [];
  for (const n of [1, 2]) {
    await ingestOrder(db, channel.id, orderFromWebhook(webhookOrder({ id: 7000 + n, name: `#100${n}` })));
    orderIds.push((await db.order.findFirstOrThrow({ where: { name: `#100${n}` } })).id);
  }
  const rows = [
    { channel: "EMAIL", recipient: "jane.doe@example.com", template: "approval-request", orderId: orderIds[0], status: "SENT", createdAt: at(1) },
    { channel: "WHATSAPP", recipient: "15551234567", template: "order-approved", orderId: orderIds[0], status: "DELIVERED", createdAt: at(2) },
    {
      channel: "EMAIL",
      recipient: "bob@shop.example",
      template: "approval-request",
      orderId: orderIds[1],
      status: "FAILED",
      attempts: 3,
      error: "=HYPERLINK(\"http://evil\") SMTP 550, mailbox unavailable",
      createdAt: at(3),
    },
    { channel: "WHATSAPP", recipient: "447700900123", template: "order-shipped", orderId: orderIds[1], status: "FAILED", attempts: 3, error: "131026 undeliverable", createdAt: at(4) },
    { channel: "EMAIL", recipient: "jane.doe@example.com", template: "approval-request", orderId: null, status: "QUEUED", createdAt: at(5) },
  ];
  const ids: string[] = [];
  for (const row of rows) {
    const created = await db.messageLog.create({ data: { shopId: shop.id, content: {}, dedupeKey: randomUUID(), provider: "SMTP", ...row } });
    ids.push(created.id);
  }
  return { shop, db, orderIds, ids };
}

const templatesOf = (rows: Row[]) => rows.map((row) => `${row.template}@${row.createdAt.slice(8, 10)}`);

describe("/app/messages", () => {
  it("lists the shop's messages newest first with masked recipients, order names and links; other shops' never show", async () => {
    const { shop, orderIds } = await shopWithMessages();
    const other = await shopWithMessages();

    const page = await list(shop.domain);
    expect(page.status).toBe(200);
    expect(templatesOf(page.rows)).toEqual(["approval-request@05", "order-shipped@04", "approval-request@03", "order-approved@02", "approval-request@01"]);
    expect(page.rows.map((row) => row.recipient)).toEqual(["j***@example.com", "+44 ••• ••• 0123", "b***@shop.example", "+1 ••• ••• 4567", "j***@example.com"]);
    expect(page.rows[1]).toMatchObject({ channel: "WHATSAPP", status: "FAILED", attempts: 3, orderId: orderIds[1], orderName: "#1002" });
    expect(page.rows[0]).toMatchObject({ orderId: null, orderName: null });
    const ids = new Set(page.rows.map((row) => row.id));
    expect(other.ids.some((id) => ids.has(id))).toBe(false);

    // The full address never reaches the browser.
    const raw = await (await call(listLoader, shop.domain, "/app/messages")).text();
    expect(raw).not.toContain("jane.doe");
    expect(raw).not.toContain("5551234567");
  });

  it("filters by channel, status, recipient, order, date, and all of them together", async () => {
    const { shop, orderIds } = await shopWithMessages();
    await shopWithMessages(); // the same recipients in another shop must not match

    expect(templatesOf((await list(shop.domain, "?channel=WHATSAPP")).rows)).toEqual(["order-shipped@04", "order-approved@02"]);
    expect(templatesOf((await list(shop.domain, "?status=FAILED")).rows)).toEqual(["order-shipped@04", "approval-request@03"]);
    // Recipient: a substring of the full value, case-insensitive; a phone as typed, with spaces.
    expect(templatesOf((await list(shop.domain, "?recipient=JANE.DOE")).rows)).toEqual(["approval-request@05", "approval-request@01"]);
    expect(templatesOf((await list(shop.domain, "?recipient=555%20123-4567")).rows)).toEqual(["order-approved@02"]);
    expect(templatesOf((await list(shop.domain, "?recipient=%2B1%20(555)%20123")).rows)).toEqual(["order-approved@02"]);
    expect(templatesOf((await list(shop.domain, "?recipient=%2B44")).rows)).toEqual(["order-shipped@04"]);
    // Order: its name with or without #, or its id.
    expect(templatesOf((await list(shop.domain, "?order=%231002")).rows)).toEqual(["order-shipped@04", "approval-request@03"]);
    expect(templatesOf((await list(shop.domain, "?order=1001")).rows)).toEqual(["order-approved@02", "approval-request@01"]);
    expect(templatesOf((await list(shop.domain, `?order=${orderIds[0]}`)).rows)).toEqual(["order-approved@02", "approval-request@01"]);
    expect((await list(shop.domain, "?order=%239999")).rows).toEqual([]);
    // Dates: whole UTC days, both ends included.
    expect(templatesOf((await list(shop.domain, "?from=2026-11-02&to=2026-11-04")).rows)).toEqual(["order-shipped@04", "approval-request@03", "order-approved@02"]);
    expect(templatesOf((await list(shop.domain, "?from=2026-11-04")).rows)).toEqual(["approval-request@05", "order-shipped@04"]);
    expect(templatesOf((await list(shop.domain, "?to=2026-11-01")).rows)).toEqual(["approval-request@01"]);
    // Combined.
    expect(templatesOf((await list(shop.domain, "?channel=EMAIL&status=FAILED&order=%231002&recipient=bob&from=2026-11-03&to=2026-11-03")).rows)).toEqual([
      "approval-request@03",
    ]);
    expect((await list(shop.domain, "?channel=EMAIL&status=DELIVERED")).rows).toEqual([]);
  });

  it("answers 400 with a message naming the filter for bad input", async () => {
    const { shop } = await shopWithMessages();
    for (const [query, field] of [
      ["?channel=SMS", "Channel"],
      ["?status=LOST", "Status"],
      ["?from=2026-13-01", "From date"],
      ["?to=yesterday", "To date"],
      ["?from=2026-11-05&to=2026-11-01", "To date"],
      [`?recipient=${"x".repeat(201)}`, "Recipient"],
      [`?order=${"1".repeat(101)}`, "Order"],
    ] as const) {
      const page = await list(shop.domain, query);
      expect(page.status, query).toBe(400);
      expect(page.error, query).toContain(field);
      expect(page.rows).toEqual([]);
    }
    const badCursor = await list(shop.domain, "?older=not-a-cursor");
    expect(badCursor.status).toBe(400);
  });

  it("pages 20 at a time, newest first, forward and back, keeping the filters", async () => {
    const shop = await buildShop();
    const db = forShop(shop.id);
    await db.messageLog.createMany({
      data: Array.from({ length: 45 }, (_, i) => ({
        shopId: shop.id,
        channel: i % 3 === 0 ? "WHATSAPP" : "EMAIL",
        recipient: `buyer${i}@example.com`,
        template: "order-approved",
        content: {},
        dedupeKey: `m-${i}`,
        // Pairs share a timestamp: the id breaks the tie, so no row is skipped or repeated.
        createdAt: new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 2) * 60_000),
      })),
    });
    const seen: string[] = [];
    let page = await list(shop.domain);
    expect(page.rows).toHaveLength(20);
    expect(page.newerCursor).toBeNull();
    seen.push(...page.rows.map((row) => row.id));
    page = await list(shop.domain, `?older=${page.olderCursor}`);
    expect(page.rows).toHaveLength(20);
    seen.push(...page.rows.map((row) => row.id));
    const second = page;
    page = await list(shop.domain, `?older=${page.olderCursor}`);
    expect(page.rows).toHaveLength(5);
    expect(page.olderCursor).toBeNull();
    seen.push(...page.rows.map((row) => row.id));
    expect(new Set(seen).size).toBe(45);

    const back = await list(shop.domain, `?newer=${page.newerCursor}`);
    expect(back.rows.map((row) => row.id)).toEqual(second.rows.map((row) => row.id));

    const whatsapp = await list(shop.domain, "?channel=WHATSAPP");
    expect(whatsapp.rows).toHaveLength(15);
    expect(whatsapp.olderCursor).toBeNull();
  });
});

describe("Resend", () => {
  const resend = (id: string, intent = "resend"): RequestInit => {
    const form = new FormData();
    form.set("intent", intent);
    form.set("id", id);
    return { method: "POST", body: form };
  };

  it("puts a failed message back in the queue with a new send job, audited; a sent one is 409, another shop's 404", async () => {
    const { shop, db, ids } = await shopWithMessages();
    const other = await shopWithMessages();
    const failedEmail = ids[2];

    const response = await call(listAction, shop.domain, "/app/messages?status=FAILED", resend(failedEmail));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
    expect(await db.messageLog.findUniqueOrThrow({ where: { id: failedEmail } })).toMatchObject({ status: "QUEUED", error: null });
    const jobs = (await getQueue("notifications").getJobs(["waiting", "delayed", "active"])).filter((job) => job.data.messageId === failedEmail);
    expect(jobs.map((job) => [job.name, job.id, job.data.shopId])).toEqual([["notifications.send-message", `message-${failedEmail}-r3`, shop.id]]);
    expect(await db.auditLog.count({ where: { action: "MESSAGE_RESENT", subjectId: failedEmail } })).toBe(1);
    // The page shows it queued now.
    expect((await list(shop.domain, "?status=QUEUED")).rows.map((row) => row.id)).toContain(failedEmail);

    // Again: it is no longer failed.
    const twice = await call(listAction, shop.domain, "/app/messages", resend(failedEmail));
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toMatch(/Only failed messages can be resent: this one is queued/);

    const sent = await call(listAction, shop.domain, "/app/messages", resend(ids[0]));
    expect(sent.status).toBe(409);
    expect((await sent.json()).message).toMatch(/this one is sent/);

    // Another shop's failed message: not found from here, and left alone.
    const theirs = await call(listAction, shop.domain, "/app/messages", resend(other.ids[2]));
    expect(theirs.status).toBe(404);
    expect(await other.db.messageLog.findUniqueOrThrow({ where: { id: other.ids[2] } })).toMatchObject({ status: "FAILED" });

    expect((await call(listAction, shop.domain, "/app/messages", resend("not-an-id"))).status).toBe(404);
    expect((await call(listAction, shop.domain, "/app/messages", resend(ids[3], "delete"))).status).toBe(400);
    expect(await db.messageLog.findUniqueOrThrow({ where: { id: ids[3] } })).toMatchObject({ status: "FAILED" });
  });
});

describe("/app/messages/export", () => {
  async function exportCsv(shop: string, query = "") {
    const response = await call(exportLoader, shop, `/app/messages/export${query}`);
    return { response, text: await response.text() };
  }

  it("exports every matching row as CSV with masked recipients, formula-safe cells, and the filters applied", async () => {
    const { shop } = await shopWithMessages();
    await shopWithMessages();
    const { response, text } = await exportCsv(shop.domain);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("x-export-rows")).toBe("5");
    expect(response.headers.get("x-export-truncated")).toBe("false");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("created,channel,template,recipient,status,provider,provider message id,attempts,error,order");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe("2026-11-05T12:00:00.000Z,EMAIL,approval-request,j***@example.com,QUEUED,SMTP,,0,,");
    // A masked phone starts with + and an error with =: both are kept from running as formulas.
    expect(lines[2]).toBe("2026-11-04T12:00:00.000Z,WHATSAPP,order-shipped,'+44 ••• ••• 0123,FAILED,SMTP,,3,131026 undeliverable,#1002");
    expect(lines[3]).toBe(
      '2026-11-03T12:00:00.000Z,EMAIL,approval-request,b***@shop.example,FAILED,SMTP,,3,"\'=HYPERLINK(""http://evil"") SMTP 550, mailbox unavailable",#1002',
    );
    expect(text).not.toContain("jane.doe");
    expect(text).not.toContain("7700900123");

    const filtered = await exportCsv(shop.domain, "?channel=EMAIL&recipient=jane&older=ignored");
    expect(filtered.response.status).toBe(200);
    expect(filtered.text.trimEnd().split("\r\n").slice(1).map((line) => line.slice(0, 10))).toEqual(["2026-11-05", "2026-11-01"]);

    const bad = await exportCsv(shop.domain, "?status=LOST");
    expect(bad.response.status).toBe(400);
    expect(bad.text).toContain("Status");
  });

  it("reads in batches across thousands of rows, never repeats one, and stops at the cap", async () => {
    const shop = await buildShop();
    const db = forShop(shop.id);
    const base = Date.UTC(2026, 10, 1);
    await db.messageLog.createMany({
      data: Array.from({ length: 2_300 }, (_, i) => ({
        shopId: shop.id,
        channel: "EMAIL",
        recipient: `buyer${i}@example.com`,
        template: "order-approved",
        content: {},
        dedupeKey: `bulk-${i}`,
        providerMessageId: `pm-${i}`,
        status: i % 2 ? "SENT" : "FAILED",
        // Ten rows per second: ties on createdAt across batch boundaries.
        createdAt: new Date(base + Math.floor(i / 10) * 1_000),
      })),
    });
    const { text, response } = await exportCsv(shop.domain);
    const lines = text.trimEnd().split("\r\n").slice(1);
    expect(lines).toHaveLength(2_300);
    expect(response.headers.get("x-export-rows")).toBe("2300");
    const times = lines.map((line) => line.slice(0, 24));
    expect([...times].sort().reverse()).toEqual(times);
    // Every row exactly once, though batches end in the middle of equal timestamps.
    expect(new Set(lines.map((line) => line.split(",")[6])).size).toBe(2_300);

    const failed = await exportCsv(shop.domain, "?status=FAILED");
    expect(failed.text.trimEnd().split("\r\n")).toHaveLength(1_151);

    const capped: string[] = [];
    for await (const chunk of messagesCsv(db, parseMessageFilter(new URLSearchParams()), 1_500)) capped.push(chunk);
    expect(capped.join("").trimEnd().split("\r\n")).toHaveLength(1_501);
  });
});
