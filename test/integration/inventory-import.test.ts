import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// POST /api/inventory/bulk and the import service on real PostgreSQL and Redis: files
// applied all or nothing, every bad row reported, tenancy, the size and type limits.
// A queue prefix of this file's own, so the push requests it looks for are its own.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-inventory-import-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  jobNames: await import("~/inventory/job-names"),
  bulk: await import("~/inventory/bulk-import/index.server"),
  route: await import("~/routes/api.inventory.bulk"),
  shops: await import("../factories/shop.factory"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;

beforeAll(async () => {
  app = await loadApp();
});

afterAll(async () => {
  await app.queues.getQueue("inventory").obliterate({ force: true });
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

interface Level {
  sku: string;
  available: number;
  reserved: number;
  title: string;
  version: number;
}

async function seed(shopId: string, items: Array<{ sku: string; available: number; title?: string; reserved?: number }>) {
  if (items.length === 0) return;
  await app.db.forShop(shopId).inventoryItem.createMany({
    data: items.map((item) => ({ shopId, sku: item.sku, available: item.available, reserved: item.reserved ?? 0, title: item.title ?? "" })),
  });
}

async function levels(shopId: string): Promise<Record<string, Level>> {
  const items = await app.db.forShop(shopId).inventoryItem.findMany({ select: { sku: true, available: true, reserved: true, title: true, version: true } });
  return Object.fromEntries(items.map((item) => [item.sku, item]));
}

function movements(shopId: string) {
  return app.db.forShop(shopId).inventoryMovement.findMany({ orderBy: { sku: "asc" } });
}

async function post(shop: string, body: BodyInit | null, contentType: string | null, headers: Record<string, string> = {}) {
  const init: RequestInit & { duplex?: "half" } = { method: "POST", body, headers: { ...(contentType ? { "Content-Type": contentType } : {}), ...headers } };
  if (body instanceof ReadableStream) init.duplex = "half";
  const request = await app.requests.adminRequest(shop, "/api/inventory/bulk", init);
  const response = await app.requests.settle(() => app.route.action({ request, params: {}, context: {} }));
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { errors?: Array<{ line: number; sku: string; reason: string }> } };
}

async function pushJobs(shopId: string) {
  const jobs = await app.queues.getQueue("inventory").getJobs(["delayed", "waiting", "prioritized"]);
  const mine = jobs.filter((job) => job?.data?.shopId === shopId);
  return {
    push: mine.filter((job) => job.name === app.jobNames.PUSH_STOCK_JOB).length,
    holds: mine.filter((job) => job.name === app.jobNames.RETRY_HOLDS_JOB).length,
  };
}

async function newShop(items: Parameters<typeof seed>[1]) {
  const shop = await app.shops.buildShop();
  await seed(shop.id, items);
  return shop;
}

describe("POST /api/inventory/bulk: valid files", () => {
  it("applies a CSV (BOM, CRLF, quoted fields, any column order, extra columns ignored): levels, titles, movements, audit, push", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5, title: "Tote" },
      { sku: "B-2", available: 0, title: "Mug" },
      { sku: "C-3", available: 7, title: "Old", reserved: 2 },
    ]);
    const csv = '\uFEFFTitle,SKU,notes,Available\r\n"Tote, large ""XL""",A-1,"a note\r\nover two lines",12\r\n,B-2,,0\r\nNew title, C-3 ,x, 3 \r\n';
    const { status, body } = await post(shop.domain, csv, "text/csv; charset=utf-8");

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "applied", rows: 3, changed: 2 });
    const after = await levels(shop.id);
    expect(after["A-1"]).toMatchObject({ available: 12, title: 'Tote, large "XL"', version: 2 });
    expect(after["B-2"]).toMatchObject({ available: 0, title: "Mug", version: 1 }); // unchanged: blank title keeps it
    expect(after["C-3"]).toMatchObject({ available: 3, reserved: 2, title: "New title", version: 2 });

    const moved = await movements(shop.id);
    expect(moved.map(({ sku, reason, delta, reservedDelta, availableAfter, reference }) => ({ sku, reason, delta, reservedDelta, availableAfter, reference }))).toEqual([
      { sku: "A-1", reason: "IMPORT", delta: 7, reservedDelta: 0, availableAfter: 12, reference: body.importId },
      { sku: "C-3", reason: "IMPORT", delta: -4, reservedDelta: 0, availableAfter: 3, reference: body.importId },
    ]);

    const record = await app.db.forShop(shop.id).inventoryImport.findFirstOrThrow({ where: { id: String(body.importId) } });
    expect(record).toMatchObject({ status: "APPLIED", format: "CSV", rows: 3, processed: 3, applied: 2, errorCount: 0, content: null });
    expect(record.finishedAt).toBeInstanceOf(Date);

    const audit = await app.db.forShop(shop.id).auditLog.findMany({ where: { action: "INVENTORY_IMPORTED" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "USER", subjectType: "InventoryImport", subjectId: body.importId });
    expect(audit[0].after).toEqual({ format: "CSV", rows: 3, changed: 2, increased: 1, retitled: 0 });

    expect(await pushJobs(shop.id)).toEqual({ push: 1, holds: 1 }); // A-1 went up: held orders get a try
  });

  it("applies a JSON array (numbers or digit strings, numeric SKUs); only decreases: push, but no stock-hold retry", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5 },
      { sku: "42", available: 9 },
      { sku: "C-3", available: 1, title: "Cap" },
    ]);
    const json = JSON.stringify([{ sku: "A-1", available: 2 }, { sku: 42, available: "0", title: "Answer", extra: { nested: [1, 2] } }, { sku: "C-3", available: 1 }]);
    const { status, body } = await post(shop.domain, `\n ${json}\n`, "application/json");

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "applied", rows: 3, changed: 2 });
    const after = await levels(shop.id);
    expect(after["A-1"].available).toBe(2);
    expect(after["42"]).toMatchObject({ available: 0, title: "Answer" });
    expect(after["C-3"]).toMatchObject({ available: 1, title: "Cap", version: 1 });
    expect((await movements(shop.id)).map((m) => [m.sku, m.delta])).toEqual([
      ["42", -9],
      ["A-1", -3],
    ]);
    expect(await pushJobs(shop.id)).toEqual({ push: 1, holds: 0 });
  });

  it("a file that changes nothing is applied with 0 changes: no movement, no push, versions kept; a title alone is no level change", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5, title: "Tote" },
      { sku: "B-2", available: 3, title: "Mug" },
    ]);
    const { status, body } = await post(shop.domain, "sku,available,title\nA-1,5,Tote\nB-2,3,Big mug\n", "text/csv");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "applied", rows: 2, changed: 0 });
    const after = await levels(shop.id);
    expect(after["B-2"]).toMatchObject({ available: 3, title: "Big mug", version: 1 });
    expect(await movements(shop.id)).toEqual([]);
    expect(await pushJobs(shop.id)).toEqual({ push: 0, holds: 0 });
  });
});

describe("POST /api/inventory/bulk: invalid rows", () => {
  it("reports every bad row of a CSV at its line, sorted, and applies nothing", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5 },
      { sku: "B-2", available: 6 },
      { sku: "C-3", available: 7 },
    ]);
    const longSku = "S".repeat(256);
    const csv = [
      "sku,available,title", // 1
      "A-1,50,Fine", // 2: valid
      ",4", // 3
      "B-2,1.5", // 4
      "C-3,-1", // 5
      "A-1,abc", // 6: bad quantity, and A-1 again
      'B-2,,"a title', // 7: the title spans two lines
      'still the title"', // 8
      "C-3,2147483648", // 9
      "", // 10: blank, skipped
      "NOPE-9,3", // 11
      `${longSku},1`, // 12
      "A-1", // 13: no available column at all
      "B-2,2147483647", // 14: the largest valid value, but B-2 again
      "   ,   ", // 15: all blank, skipped
      "nope-9,0", // 16: SKUs are case-sensitive
    ].join("\n");
    const { status, body } = await post(shop.domain, csv, "text/csv");

    expect(status).toBe(422);
    expect(body.status).toBe("rejected");
    expect(body.rows).toBe(12);
    expect(body.errorCount).toBe(11);
    expect(body.errors).toEqual([
      { line: 3, sku: "", reason: "SKU is empty" },
      { line: 4, sku: "B-2", reason: "available must be a whole number of 0 or more (got 1.5)" },
      { line: 5, sku: "C-3", reason: "available must be a whole number of 0 or more (got -1)" },
      { line: 6, sku: "A-1", reason: "available must be a whole number of 0 or more (got abc); duplicate of line 2" },
      { line: 7, sku: "B-2", reason: "available is empty; duplicate of line 4" },
      { line: 9, sku: "C-3", reason: "available is larger than 2,147,483,647; duplicate of line 5" },
      { line: 11, sku: "NOPE-9", reason: "unknown SKU: this shop has no inventory item with this SKU" },
      { line: 12, sku: longSku, reason: "SKU is longer than 255 characters" },
      { line: 13, sku: "A-1", reason: "available is missing; duplicate of line 2" },
      { line: 14, sku: "B-2", reason: "duplicate of line 4" },
      { line: 16, sku: "nope-9", reason: "unknown SKU: this shop has no inventory item with this SKU" },
      // line 2 is valid, lines 10 and 15 are blank, line 8 belongs to line 7's record
    ]);
  });

  it("nothing of a rejected file is applied: levels, versions, movements, audit and push untouched; the import is REJECTED with its report", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5 },
      { sku: "B-2", available: 6 },
    ]);
    const before = await levels(shop.id);
    const { status, body } = await post(shop.domain, "sku,available\nA-1,1\nB-2,2\nZ-9,3\n", "text/csv");
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ line: 4, sku: "Z-9", reason: "unknown SKU: this shop has no inventory item with this SKU" }]);
    expect(await levels(shop.id)).toEqual(before);
    expect(await movements(shop.id)).toEqual([]);
    expect(await app.db.forShop(shop.id).auditLog.count({ where: { action: "INVENTORY_IMPORTED" } })).toBe(0);
    expect(await pushJobs(shop.id)).toEqual({ push: 0, holds: 0 });
    const record = await app.db.forShop(shop.id).inventoryImport.findFirstOrThrow({ where: { id: String(body.importId) } });
    expect(record).toMatchObject({ status: "REJECTED", rows: 3, applied: 0, errorCount: 1, errors: body.errors });
  });

  it("reports every bad element of a JSON file at its index + 1", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5 },
      { sku: "B-2", available: 6 },
    ]);
    const elements = [
      { sku: "A-1", available: 1 }, // 1 valid
      { sku: "B-2", available: 1.5 }, // 2
      { sku: "B-2", available: -1 }, // 3 (and B-2 again)
      "A-1,5", // 4: not an object
      { available: 3 }, // 5: no sku
      { sku: "  ", available: 3 }, // 6
      { sku: "A-1", available: true }, // 7
      { sku: { id: 1 }, available: 1 }, // 8
      { sku: "GONE", available: null }, // 9
      { sku: "A-1", available: "7" }, // 10
      [1, 2], // 11
      { sku: "B-2", available: 1e3, title: ["x"] }, // 12
    ];
    const { status, body } = await post(shop.domain, JSON.stringify(elements, null, 2), "application/json");
    expect(status).toBe(422);
    expect(body.rows).toBe(12);
    expect(body.errors).toEqual([
      { line: 2, sku: "B-2", reason: "available must be a whole number of 0 or more (got 1.5)" },
      { line: 3, sku: "B-2", reason: "available must be a whole number of 0 or more (got -1); duplicate of line 2" },
      { line: 4, sku: "", reason: 'row must be an object like {"sku": "A-1", "available": 5}' },
      { line: 5, sku: "", reason: "SKU is missing" },
      { line: 6, sku: "", reason: "SKU is empty" },
      { line: 7, sku: "A-1", reason: "available must be a whole number of 0 or more (got true); duplicate of line 1" },
      { line: 8, sku: "", reason: "SKU must be text" },
      { line: 9, sku: "GONE", reason: "available is missing; unknown SKU: this shop has no inventory item with this SKU" },
      { line: 10, sku: "A-1", reason: "duplicate of line 1" },
      { line: 11, sku: "", reason: 'row must be an object like {"sku": "A-1", "available": 5}' },
      { line: 12, sku: "B-2", reason: "title must be text; duplicate of line 2" },
    ]);
    expect((await levels(shop.id))["A-1"].available).toBe(5);
  });

  it("duplicate SKUs: each later line names the first", async () => {
    const shop = await newShop([
      { sku: "A-1", available: 5 },
      { sku: "B-2", available: 6 },
    ]);
    const { status, body } = await post(shop.domain, "sku,available\nA-1,1\nB-2,2\nA-1,3\nB-2,2\nA-1,1\n", "text/csv");
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      { line: 4, sku: "A-1", reason: "duplicate of line 2" },
      { line: 5, sku: "B-2", reason: "duplicate of line 3" },
      { line: 6, sku: "A-1", reason: "duplicate of line 2" },
    ]);
    expect((await levels(shop.id))["A-1"].available).toBe(5);
  });

  it("another shop's SKUs are unknown here, and its levels are never touched", async () => {
    const other = await newShop([
      { sku: "THEIRS", available: 4 },
      { sku: "SHARED", available: 4 },
    ]);
    const shop = await newShop([{ sku: "SHARED", available: 1 }]);

    const rejected = await post(shop.domain, "sku,available\nSHARED,9\nTHEIRS,9\n", "text/csv");
    expect(rejected.status).toBe(422);
    expect(rejected.body.errors).toEqual([{ line: 3, sku: "THEIRS", reason: "unknown SKU: this shop has no inventory item with this SKU" }]);

    const applied = await post(shop.domain, "sku,available\nSHARED,9\n", "text/csv");
    expect(applied.body).toMatchObject({ status: "applied", changed: 1 });
    expect((await levels(shop.id)).SHARED.available).toBe(9);
    expect(await levels(other.id)).toMatchObject({ THEIRS: { available: 4, version: 1 }, SHARED: { available: 4, version: 1 } });
    expect(await movements(other.id)).toEqual([]);
  });
});

describe("POST /api/inventory/bulk: unreadable files and refused requests", () => {
  const unreadable: Array<[string, string, string, RegExp]> = [
    ["an unclosed quote", "text/csv", 'sku,available\nA-1,"5\nB-2,3\n', /not valid CSV.*Quote Not Closed/i],
    ["a stray quote", "text/csv", 'sku,available\nA-1,"5"x\n', /not valid CSV near line 2/],
    ["no available column", "text/csv", "sku,qty\nA-1,5\n", /missing: available.*found: sku, qty/],
    ["no header at all", "text/csv", "A-1,5\n", /must name the columns "sku" and "available"/],
    ["an empty file", "text/csv", "", /file is empty/],
    ["a header and no rows", "text/csv", "sku,available\n\n", /no data rows/],
    ["a column named twice", "text/csv", "sku,available,SKU\nA-1,5,B\n", /names the column "sku" twice/],
    ["invalid JSON inside an element", "application/json", '[{"sku": "A-1", "available": 5}, {"sku": "B-2" "available": 1}]', /not valid JSON: element 2/],
    ["a JSON object instead of an array", "application/json", '{"sku": "A-1", "available": 5}', /does not start with \[/],
    ["a truncated JSON array", "application/json", '[{"sku": "A-1", "available": 5},', /ends before the closing \]/],
    ["text after the JSON array", "application/json", '[{"sku": "A-1", "available": 5}] x', /more after the closing \]/],
    ["a trailing comma", "application/json", '[{"sku": "A-1", "available": 5},]', /comma after element 1/],
    ["an empty JSON array", "application/json", "[]", /no data rows/],
    ["an empty JSON body", "application/json", "  ", /file is empty/],
    ["an unclosed JSON string", "application/json", `[{"sku": "A-1${"x".repeat(70_000)}`, /larger than 64 KB/],
  ];

  it.each(unreadable)("%s: 400 with a clear message, nothing applied, the import FAILED", async (_name, contentType, file, message) => {
    const shop = await newShop([
      { sku: "A-1", available: 1 },
      { sku: "B-2", available: 1 },
    ]);
    const { status, body } = await post(shop.domain, file, contentType);
    expect(status).toBe(400);
    expect(String(body.error)).toMatch(message);
    expect((await levels(shop.id))["A-1"].available).toBe(1);
    expect(await movements(shop.id)).toEqual([]);
    const record = await app.db.forShop(shop.id).inventoryImport.findFirstOrThrow({});
    expect(record).toMatchObject({ status: "FAILED", error: body.error });
  });

  it("invalid UTF-8 in JSON: 400", async () => {
    const shop = await newShop([{ sku: "A-1", available: 1 }]);
    const bytes = Buffer.concat([Buffer.from('[{"sku": "A-'), Buffer.from([0xff, 0xfe]), Buffer.from('", "available": 2}]')]);
    const { status, body } = await post(shop.domain, bytes, "application/json");
    expect(status).toBe(400);
    expect(String(body.error)).toMatch(/not valid UTF-8/);
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], [null]])("Content-Type %s: 415 naming the accepted types", async (contentType) => {
    const shop = await newShop([{ sku: "A-1", available: 1 }]);
    const { status, body } = await post(shop.domain, "sku,available\nA-1,5\n", contentType);
    expect(status).toBe(415);
    expect(String(body.error)).toMatch(/text\/csv.*application\/json/);
    expect((await levels(shop.id))["A-1"].available).toBe(1);
  });

  it("a declared size over 20 MB: 413 before reading", async () => {
    const shop = await newShop([{ sku: "A-1", available: 1 }]);
    const { status, body } = await post(shop.domain, "sku,available\nA-1,5\n", "text/csv", { "Content-Length": String(21 * 1024 * 1024) });
    expect(status).toBe(413);
    expect(String(body.error)).toMatch(/larger than 20 MB/);
  });

  it("a streamed body that passes 20 MB: 413 while streaming, the transaction rolled back", async () => {
    const shop = await newShop([{ sku: "A-1", available: 1 }]);
    const title = "t".repeat(60_000);
    let sent = 0;
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Valid rows of one SKU: the limit must stop the upload before any check runs.
        const chunk = encoder.encode(sent === 0 ? "sku,available,title\n" : `A-1,${sent},${title}\n`);
        sent += 1;
        controller.enqueue(chunk);
        if (sent > 400) controller.close();
      },
    });
    const { status, body } = await post(shop.domain, stream, "text/csv");
    expect(status).toBe(413);
    expect(String(body.error)).toMatch(/larger than 20 MB/);
    expect((await levels(shop.id))["A-1"].available).toBe(1);
    expect(sent).toBeLessThan(400); // the rest of the upload was not read
  });

  it("GET answers 405 (after authenticating)", async () => {
    const shop = await newShop([]);
    const request = await app.requests.adminRequest(shop.domain, "/api/inventory/bulk");
    const response = await app.requests.settle(() => app.route.loader({ request, params: {}, context: {} }));
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
  });

  it("without a session token: refused by the Shopify library, nothing imported", async () => {
    const shop = await newShop([{ sku: "A-1", available: 1 }]);
    const request = new Request(`${process.env.SHOPIFY_APP_URL}/api/inventory/bulk`, {
      method: "POST",
      body: "sku,available\nA-1,5\n",
      headers: { "Content-Type": "text/csv" },
    });
    const response = await app.requests.settle(() => app.route.action({ request, params: {}, context: {} }));
    expect([401, 302]).toContain(response.status);
    const forged = new Request(`${process.env.SHOPIFY_APP_URL}/api/inventory/bulk`, {
      method: "POST",
      body: "sku,available\nA-1,5\n",
      headers: { "Content-Type": "text/csv", Authorization: "Bearer not-a-token" },
    });
    const refused = await app.requests.settle(() => app.route.action({ request: forged, params: {}, context: {} }));
    expect(refused.status).toBe(401);
    expect((await levels(shop.id))["A-1"].available).toBe(1);
    expect(await app.db.forShop(shop.id).inventoryImport.count()).toBe(0);
  });
});
