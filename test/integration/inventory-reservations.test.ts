import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-reserve-${randomBytes(
  3
).toString("hex")}`;

const { forShop, getPrisma, pgPoolOf, disconnectPrisma } = await import(
  "~/db/prisma.server"
);
const { cancelOrder, routeNewOrder } = await import(
  "~/fulfillment/pipeline.server"
);
const { reserveOrderStock } = await import("~/inventory/reservations.server");
const { shipOrderStock } = await import("~/inventory/order-stock.server");
const { recordRefund, recordWooRestocks } = await import(
  "~/inventory/restocks.server"
);
const { runStockHoldRetry } = await import("~/inventory/stock-holds.server");
const { importStock } = await import("~/inventory/bulk-import/index.server");
const { closeQueues, getQueue } = await import("~/jobs/queues.server");
const { closeProducerRedis } = await import("~/jobs/redis.server");
const { buildShop } = await import("../factories/shop.factory");
const { ensureShopifyChannel } = await import(
  "~/channels/shopify-channel.server"
);

type ShopDb = ReturnType<typeof forShop>;

afterAll(async () => {
  await getQueue("inventory").obliterate({ force: true });
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

async function shopWithChannel() {
  const shop = await buildShop();
  const db = forShop(shop.id);
  const channel = await ensureShopifyChannel(db, shop.domain);
  return { shop, db, channel };
}

async function stock(db: ShopDb, levels: Record<string, number>) {
  for (const [sku, available] of Object.entries(levels)) {
    await db.inventoryItem.create({
      data: { shopId: db.$shopId(), sku, title: sku, available },
    });
  }
}

async function order(
  db: ShopDb,
  channelId: string,
  lines: Array<[sku: string | null, quantity: number]>,
  options: { cod?: boolean } = {}
) {
  const now = new Date();
  const created = await db.order.create({
    data: {
      shopId: db.$shopId(),
      channelId,
      externalOrderId: String(Math.floor(Math.random() * 1e12)),
      name: "#1001",
      totalPrice: "10.00",
      currency: "USD",
      cod: options.cod ?? false,
      externalCreatedAt: now,
      externalUpdatedAt: now,
    },
  });
  await db.orderLine.createMany({
    data: lines.map(([sku, quantity], index) => ({
      shopId: db.$shopId(),
      orderId: created.id,
      externalLineId: String(index + 1),
      sku,
      title: sku ?? "gift",
      quantity,
      price: "5.00",
    })),
  });
  return created;
}

async function levels(db: ShopDb) {
  const items = await db.inventoryItem.findMany({ orderBy: { sku: "asc" } });
  return Object.fromEntries(
    items.map((item) => [
      item.sku,
      { available: item.available, reserved: item.reserved },
    ])
  );
}

describe("the database itself", () => {
  it("refuses a negative available or reserved written by raw SQL", async () => {
    const { db } = await shopWithChannel();
    await stock(db, { RAW: 1 });
    const pool = pgPoolOf(getPrisma());
    await expect(
      pool.query(
        `UPDATE "InventoryItem" SET available = available - 2 WHERE "shopId" = $1`,
        [db.$shopId()]
      )
    ).rejects.toMatchObject({
      code: "23514",
      constraint: "InventoryItem_available_check",
    });
    await expect(
      pool.query(
        `UPDATE "InventoryItem" SET reserved = -1 WHERE "shopId" = $1`,
        [db.$shopId()]
      )
    ).rejects.toMatchObject({
      constraint: "InventoryItem_reserved_check",
    });
    expect(await levels(db)).toEqual({ RAW: { available: 1, reserved: 0 } });
  });
});

describe("reserving an order", () => {
  it("reserves every managed line once, sums lines of one SKU, and records the movements", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { MUG: 5, TEE: 3 });
    const placed = await order(db, channel.id, [
      ["TEE", 1],
      ["MUG", 2],
      ["TEE", 1],
      ["UNMANAGED", 4],
      [null, 1],
    ]);

    expect(await routeNewOrder(db, placed.id)).toBe("NEW"); // no carrier: labels by hand
    expect(await levels(db)).toEqual({
      MUG: { available: 3, reserved: 2 },
      TEE: { available: 1, reserved: 2 },
    });
    const movements = await db.inventoryMovement.findMany({
      orderBy: { sku: "asc" },
    });
    expect(
      movements.map((m) => [
        m.sku,
        m.reason,
        m.delta,
        m.reservedDelta,
        m.availableAfter,
        m.reference,
      ])
    ).toEqual([
      ["MUG", "ORDER_RESERVE", -2, 2, 3, placed.id],
      ["TEE", "ORDER_RESERVE", -2, 2, 1, placed.id],
    ]);
    // A repeated event or retried job reserves nothing more.
    expect(await reserveOrderStock(db, placed.id)).toEqual({
      status: "already",
    });
    expect(await levels(db)).toEqual({
      MUG: { available: 3, reserved: 2 },
      TEE: { available: 1, reserved: 2 },
    });
    expect(
      (await db.order.findFirstOrThrow({ where: { id: placed.id } }))
        .stockReservedAt
    ).not.toBeNull();
    // The channels are told: a push of the shop's levels is queued.
    const jobs = await getQueue("inventory").getJobs(["delayed", "waiting"]);
    expect(
      jobs.some(
        (job) =>
          job.name === "inventory.push-stock" &&
          job.data.shopId === db.$shopId()
      )
    ).toBe(true);
  });

  it("reserves nothing when one line is short, and holds the order naming the short line", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { CAP: 4, SOCK: 1 });
    const placed = await order(db, channel.id, [
      ["CAP", 2],
      ["SOCK", 2],
    ]);

    expect(await routeNewOrder(db, placed.id)).toBe("ON_HOLD");
    const held = await db.order.findFirstOrThrow({ where: { id: placed.id } });
    expect(held.holdReason).toBe("out of stock: SOCK (ordered 2, 1 available)");
    expect(held.stockReservedAt).toBeNull();
    expect(await levels(db)).toEqual({
      CAP: { available: 4, reserved: 0 },
      SOCK: { available: 1, reserved: 0 },
    });
    expect(await db.inventoryMovement.count()).toBe(0);
    expect(await db.inventoryReservation.count()).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: "ORDER_STATUS_CHANGED", subjectId: placed.id },
    });
    expect(audit.after).toMatchObject({
      status: "ON_HOLD",
      holdReason: "out of stock: SOCK (ordered 2, 1 available)",
    });
  });

  it("two attempts at one order at once reserve it once", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { PEN: 10, INK: 10 });
    for (const lines of [
      [["PEN", 2]],
      [
        ["PEN", 1],
        ["INK", 3],
      ],
    ] as Array<Array<[string, number]>>) {
      const placed = await order(db, channel.id, lines);
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () => reserveOrderStock(db, placed.id))
      );
      expect(attempts.filter((a) => a.status === "reserved")).toHaveLength(1);
      expect(attempts.filter((a) => a.status === "already")).toHaveLength(5);
    }
    expect(await levels(db)).toEqual({
      INK: { available: 7, reserved: 3 },
      PEN: { available: 7, reserved: 3 },
    });
  });

  it("an order without managed SKUs goes on without holding anything", async () => {
    const { db, channel } = await shopWithChannel();
    const placed = await order(db, channel.id, [["NOT-TRACKED", 3]], {
      cod: true,
    });
    expect(await routeNewOrder(db, placed.id)).toBe("PENDING_APPROVAL");
    expect(await db.inventoryReservation.count()).toBe(0);
  });
});

describe("releasing and shipping", () => {
  it("a cancelled order gives its stock back once, however often the cancellation arrives", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { HAT: 2 });
    const placed = await order(db, channel.id, [["HAT", 2]]);
    await routeNewOrder(db, placed.id);
    expect(await levels(db)).toEqual({ HAT: { available: 0, reserved: 2 } });

    await cancelOrder(db, placed.id);
    await cancelOrder(db, placed.id);
    expect(await levels(db)).toEqual({ HAT: { available: 2, reserved: 0 } });
    const reasons = (
      await db.inventoryMovement.findMany({ orderBy: { createdAt: "asc" } })
    ).map((m) => [m.reason, m.delta, m.reservedDelta]);
    expect(reasons).toEqual([
      ["ORDER_RESERVE", -2, 2],
      ["CANCEL_RELEASE", 2, -2],
    ]);
    // Stock came in: orders held for it get another try.
    const jobs = await getQueue("inventory").getJobs(["delayed", "waiting"]);
    expect(
      jobs.some(
        (job) =>
          job.name === "inventory.retry-stock-holds" &&
          job.data.shopId === db.$shopId()
      )
    ).toBe(true);
  });

  it("shipping turns the reservation into a shipped movement; available does not move", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { BAG: 3 });
    const placed = await order(db, channel.id, [["BAG", 2]]);
    await routeNewOrder(db, placed.id);
    expect(await shipOrderStock(db, placed.id)).toBe(1);
    expect(await shipOrderStock(db, placed.id)).toBe(0);
    expect(await levels(db)).toEqual({ BAG: { available: 1, reserved: 0 } });
    const shipped = await db.inventoryMovement.findFirstOrThrow({
      where: { reason: "SHIPPED" },
    });
    expect([
      shipped.delta,
      shipped.reservedDelta,
      shipped.availableAfter,
    ]).toEqual([0, -2, 1]);
    // A later cancellation of a shipped order has nothing left to release.
    await cancelOrder(db, placed.id);
    expect(await levels(db)).toEqual({ BAG: { available: 1, reserved: 0 } });
  });
});

describe("refunds that restock", () => {
  const refund = (
    externalOrderId: string,
    lines: Array<{
      id: string;
      lineId: string;
      quantity: number;
      type: string;
      sku?: string;
    }>
  ) =>
    lines.map((line) => ({
      externalOrderId,
      externalRefundId: "r-1",
      externalRefundLineId: line.id,
      externalLineId: line.lineId,
      quantity: line.quantity,
      restockType: line.type,
      sku: line.sku ?? null,
    }));

  it("a return after shipping puts the units back once per refund line", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { JEANS: 5 });
    const placed = await order(db, channel.id, [["JEANS", 2]]);
    await routeNewOrder(db, placed.id);
    await shipOrderStock(db, placed.id);
    expect(await levels(db)).toEqual({ JEANS: { available: 3, reserved: 0 } });

    const lines = refund(placed.externalOrderId, [
      { id: "rl-1", lineId: "1", quantity: 1, type: "return" },
    ]);
    expect(await recordRefund(db, channel.id, lines)).toEqual({
      recorded: 1,
      restocked: 1,
    });
    expect(await recordRefund(db, channel.id, lines)).toEqual({
      recorded: 0,
      restocked: 0,
    }); // redelivered
    expect(await levels(db)).toEqual({ JEANS: { available: 4, reserved: 0 } });
    const movement = await db.inventoryMovement.findFirstOrThrow({
      where: { reason: "REFUND_RESTOCK" },
    });
    expect(movement.reference).toBe(`refund-line:${channel.id}:rl-1`);
  });

  it("a cancel restock releases what the order holds and never counts twice with the cancellation", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { BELT: 4 });
    const placed = await order(db, channel.id, [["BELT", 3]]);
    await routeNewOrder(db, placed.id);
    expect(await levels(db)).toEqual({ BELT: { available: 1, reserved: 3 } });

    // Shopify sends refunds/create (restock_type cancel) and orders/cancelled for one cancellation, in any order.
    await recordRefund(
      db,
      channel.id,
      refund(placed.externalOrderId, [
        { id: "rl-9", lineId: "1", quantity: 2, type: "cancel" },
      ])
    );
    expect(await levels(db)).toEqual({ BELT: { available: 3, reserved: 1 } });
    await cancelOrder(db, placed.id);
    expect(await levels(db)).toEqual({ BELT: { available: 4, reserved: 0 } });
    // The other order of arrival: cancellation first, then the refund finds nothing held.
    const second = await order(db, channel.id, [["BELT", 1]]);
    await routeNewOrder(db, second.id);
    await cancelOrder(db, second.id);
    await recordRefund(
      db,
      channel.id,
      refund(second.externalOrderId, [
        { id: "rl-10", lineId: "1", quantity: 1, type: "cancel" },
      ])
    );
    expect(await levels(db)).toEqual({ BELT: { available: 4, reserved: 0 } });
  });

  it("ignores no_restock lines and refunds of SKUs Rappit does not manage", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { SCARF: 2 });
    const lines = refund("999", [
      {
        id: "rl-20",
        lineId: "7",
        quantity: 1,
        type: "no_restock",
        sku: "SCARF",
      },
      { id: "rl-21", lineId: "8", quantity: 1, type: "return", sku: "UNKNOWN" },
    ]);
    expect(await recordRefund(db, channel.id, lines)).toEqual({
      recorded: 2,
      restocked: 0,
    });
    // A return for an order Rappit never stored still restocks by the payload's SKU.
    expect(
      await recordRefund(
        db,
        channel.id,
        refund("999", [
          {
            id: "rl-22",
            lineId: "9",
            quantity: 2,
            type: "return",
            sku: "SCARF",
          },
        ])
      )
    ).toEqual({
      recorded: 1,
      restocked: 1,
    });
    expect(await levels(db)).toEqual({ SCARF: { available: 4, reserved: 0 } });
  });

  it("WooCommerce restocks count the units its running total adds, once", async () => {
    const { db } = await shopWithChannel();
    const woo = await db.channel.create({
      data: {
        shopId: db.$shopId(),
        type: "WOOCOMMERCE",
        externalId: "https://store.example",
        name: "Store",
      },
    });
    await stock(db, { LAMP: 3 });
    const placed = await order(db, woo.id, [["LAMP", 3]]);
    await routeNewOrder(db, placed.id);
    await shipOrderStock(db, placed.id);

    expect(
      await recordWooRestocks(db, woo.id, placed.externalOrderId, [
        { externalLineId: "1", total: 1 },
      ])
    ).toEqual({ recorded: 1, restocked: 1 });
    expect(
      await recordWooRestocks(db, woo.id, placed.externalOrderId, [
        { externalLineId: "1", total: 1 },
      ])
    ).toEqual({ recorded: 0, restocked: 0 });
    expect(
      await recordWooRestocks(db, woo.id, placed.externalOrderId, [
        { externalLineId: "1", total: 3 },
      ])
    ).toEqual({ recorded: 1, restocked: 1 });
    expect(await levels(db)).toEqual({ LAMP: { available: 3, reserved: 0 } });
  });
});

describe("orders held for stock", () => {
  it("go on, oldest first, when stock comes in", async () => {
    const { db, channel } = await shopWithChannel();
    await stock(db, { VASE: 0 });
    const first = await order(db, channel.id, [["VASE", 1]], { cod: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await order(db, channel.id, [["VASE", 1]]);
    expect(await routeNewOrder(db, first.id)).toBe("ON_HOLD");
    expect(await routeNewOrder(db, second.id)).toBe("ON_HOLD");

    await pgPoolOf(db).query(
      `UPDATE "InventoryItem" SET available = 1, version = version + 1 WHERE "shopId" = $1`,
      [db.$shopId()]
    );
    expect(await runStockHoldRetry({ shopId: db.$shopId() })).toEqual({
      checked: 2,
      released: 1,
    });
    expect(
      (await db.order.findFirstOrThrow({ where: { id: first.id } })).status
    ).toBe("PENDING_APPROVAL");
    const waiting = await db.order.findFirstOrThrow({
      where: { id: second.id },
    });
    expect([waiting.status, waiting.holdReason]).toEqual([
      "ON_HOLD",
      "out of stock: VASE (ordered 1, 0 available)",
    ]);

    await pgPoolOf(db).query(
      `UPDATE "InventoryItem" SET available = 1, version = version + 1 WHERE "shopId" = $1`,
      [db.$shopId()]
    );
    expect(await runStockHoldRetry({ shopId: db.$shopId() })).toEqual({
      checked: 1,
      released: 1,
    });
    expect(
      (await db.order.findFirstOrThrow({ where: { id: second.id } })).status
    ).toBe("NEW");
    expect(await levels(db)).toEqual({ VASE: { available: 0, reserved: 2 } });
  });
});

// Orders routed at once from several processes, each with its own connection pool.
async function routeFromProcesses(
  shopId: string,
  orderIds: string[],
  processes: number
): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rappit-reserve-"));
  const slices = Array.from({ length: processes }, (_, index) =>
    orderIds.filter((_, i) => i % processes === index)
  );
  const results = await Promise.all(
    slices.map((slice, index) => {
      const file = path.join(dir, `orders-${index}.json`);
      writeFileSync(file, JSON.stringify({ shopId, orderIds: slice }));
      return new Promise<Record<string, number>>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "test/fixtures/reserve-orders.ts"],
          {
            env: {
              ...process.env,
              RESERVE_ORDERS_FILE: file,
              DATABASE_POOL_SIZE: "8",
            },
            stdio: ["ignore", "pipe", "inherit"],
          }
        );
        let output = "";
        child.stdout.on(
          "data",
          (chunk: Buffer) => (output += chunk.toString())
        );
        child.on("exit", (code) =>
          code === 0
            ? resolve(JSON.parse(output.trim().split("\n").pop()!))
            : reject(new Error(`reserver exited ${code}`))
        );
      });
    })
  );
  const total: Record<string, number> = {};
  for (const counts of results)
    for (const [key, value] of Object.entries(counts))
      total[key] = (total[key] ?? 0) + value;
  return total;
}

describe("no oversell under concurrency", () => {
  let shopId: string;
  let db: ShopDb;
  let channelId: string;
  beforeAll(async () => {
    const made = await shopWithChannel();
    shopId = made.shop.id;
    db = made.db;
    channelId = made.channel.id;
  });

  it(
    "320 single-unit orders from 4 processes on a SKU with 5: exactly 5 reserved, 315 held, never negative",
    { timeout: 120_000 },
    async () => {
      await stock(db, { HOT: 5 });
      const orders = [];
      for (let i = 0; i < 320; i += 1)
        orders.push(await order(db, channelId, [["HOT", 1]]));

      const outcomes = await routeFromProcesses(
        shopId,
        orders.map((o) => o.id),
        4
      );
      expect(outcomes).toEqual({ NEW: 5, ON_HOLD: 315 });
      expect((await levels(db)).HOT).toEqual({ available: 0, reserved: 5 });
      expect(
        await db.inventoryReservation.aggregate({
          _sum: { quantity: true },
          where: { item: { sku: "HOT" } },
        })
      ).toEqual({ _sum: { quantity: 5 } });
      expect(
        await db.order.count({
          where: {
            id: { in: orders.map((o) => o.id) },
            status: "ON_HOLD",
            holdReason: { startsWith: "out of stock: HOT" },
          },
        })
      ).toBe(315);
    }
  );

  it(
    "multi-line orders over overlapping SKUs: no deadlock, no partial reservation",
    { timeout: 120_000 },
    async () => {
      const skus = ["A-1", "B-2", "C-3", "D-4"];
      await stock(db, { "A-1": 40, "B-2": 40, "C-3": 40, "D-4": 40 });
      const orders = [];
      for (let i = 0; i < 160; i += 1) {
        // Lines in varying orders, overlapping every other order's SKUs.
        const picked = [skus[i % 4], skus[(i + 1) % 4], skus[(i + 3) % 4]];
        if (i % 2) picked.reverse();
        orders.push(
          await order(
            db,
            channelId,
            picked.map((sku) => [sku, 1 + (i % 2)] as [string, number])
          )
        );
      }
      const outcomes = await routeFromProcesses(
        shopId,
        orders.map((o) => o.id),
        4
      );
      expect(
        Object.keys(outcomes).filter((key) => key.startsWith("error"))
      ).toEqual([]);

      // Every order is all-or-nothing: reserved lines equal its line count, or none.
      const { rows } = await pgPoolOf(db).query<{
        orderId: string;
        reserved: number;
        lines: number;
        status: string;
      }>(
        `SELECT o.id AS "orderId", o.status,
              (SELECT count(*)::int FROM "InventoryReservation" r WHERE r."orderId" = o.id) AS reserved,
              (SELECT count(*)::int FROM "OrderLine" l WHERE l."orderId" = o.id) AS lines
         FROM "Order" o WHERE o.id = ANY($1::uuid[])`,
        [orders.map((o) => o.id)]
      );
      for (const row of rows)
        expect([row.status, row.reserved]).toEqual(
          row.status === "ON_HOLD" ? ["ON_HOLD", 0] : ["NEW", row.lines]
        );
      // Reserved + available is what we started with; nothing went negative.
      const after = await levels(db);
      for (const sku of skus) {
        expect(after[sku].available).toBeGreaterThanOrEqual(0);
        const held = await db.inventoryReservation.aggregate({
          _sum: { quantity: true },
          where: { item: { sku } },
        });
        expect(after[sku].available + (held._sum.quantity ?? 0)).toBe(40);
        expect(after[sku].reserved).toBe(held._sum.quantity ?? 0);
      }
      expect(rows.filter((row) => row.status === "NEW").length).toBeGreaterThan(
        0
      );
      expect(
        rows.filter((row) => row.status === "ON_HOLD").length
      ).toBeGreaterThan(0);
    }
  );

  it(
    "a bulk import running alongside multi-line reservations: no deadlock, levels consistent",
    { timeout: 120_000 },
    async () => {
      const skus = Array.from(
        { length: 20 },
        (_, i) => `MIX-${String.fromCharCode(97 + i)}${i % 2 ? "" : "_"}`
      );
      await stock(db, Object.fromEntries(skus.map((sku) => [sku, 1_000])));
      const orders = [];
      for (let i = 0; i < 120; i += 1) {
        const picked = [skus[i % 20], skus[(i + 7) % 20], skus[(i + 13) % 20]];
        orders.push(
          await order(
            db,
            channelId,
            picked.map((sku) => [sku, 1] as [string, number])
          )
        );
      }
      const csv = `sku,available\n${skus
        .map((sku) => `${sku},500`)
        .join("\n")}\n`;
      const [, imported] = await Promise.all([
        routeFromProcesses(
          shopId,
          orders.map((o) => o.id),
          3
        ),
        (async () => {
          // Start once the reservers are at work.
          while (
            (await db.inventoryReservation.count({
              where: { item: { sku: { in: skus } } },
            })) < 10
          )
            await new Promise((resolve) => setTimeout(resolve, 20));
          return importStock(db, {
            source: (async function* () {
              yield csv;
            })(),
            format: "CSV",
            actorEmail: null,
          });
        })(),
      ]);
      expect(imported.status).toBe("applied");
      const after = await levels(db);
      for (const sku of skus) {
        const held = await db.inventoryReservation.aggregate({
          _sum: { quantity: true },
          where: { item: { sku } },
        });
        expect(after[sku].reserved).toBe(held._sum.quantity ?? 0);
        expect(after[sku].available).toBeGreaterThanOrEqual(0);
        expect(after[sku].available).toBeLessThanOrEqual(500);
      }
      expect(
        await db.order.count({
          where: { id: { in: orders.map((o) => o.id) }, status: "NEW" },
        })
      ).toBe(120);
    }
  );
});
