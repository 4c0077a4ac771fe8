import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { ensureShopifyChannel } from "~/channels/shopify-channel.server";
import { ingestOrder } from "~/orders/order-ingestion.server";
import { orderFromWebhook } from "~/shopify/order-mapping";
import { buildShop } from "../factories/shop.factory";
import { webhookOrder } from "../fixtures/shopify/order-payloads";

afterAll(disconnectPrisma);

async function setup() {
  const shop = await buildShop();
  const db = forShop(shop.id);
  const channel = await ensureShopifyChannel(db, shop.domain);
  return { db, channelId: channel.id };
}

describe("ingestOrder", () => {
  it("creates, then updates with a newer version, replacing lines", async () => {
    const { db, channelId } = await setup();
    expect(await ingestOrder(db, channelId, orderFromWebhook(webhookOrder()))).toBe("created");
    const newer = webhookOrder({
      updated_at: "2026-11-20T11:00:00-05:00",
      financial_status: "paid",
      line_items: [{ id: 866550311766439000, sku: "IPOD2008PINK", title: "IPod Nano - 8GB", quantity: 2, price: "199.00" }],
    });
    expect(await ingestOrder(db, channelId, orderFromWebhook(newer))).toBe("updated");
    const order = await db.order.findFirstOrThrow({ include: { lines: true } });
    expect(order.financialStatus).toBe("paid");
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([["IPOD2008PINK", 2]]);
  });

  it("never lets an older event roll the order back", async () => {
    const { db, channelId } = await setup();
    await ingestOrder(db, channelId, orderFromWebhook(webhookOrder({ updated_at: "2026-11-20T12:00:00-05:00", financial_status: "paid" })));
    const outcome = await ingestOrder(db, channelId, orderFromWebhook(webhookOrder({ updated_at: "2026-11-20T10:00:00-05:00", financial_status: "pending" })));
    expect(outcome).toBe("stale");
    expect((await db.order.findFirstOrThrow()).financialStatus).toBe("paid");
  });

  it("converges concurrent deliveries of one new order on one row", async () => {
    const { db, channelId } = await setup();
    const order = orderFromWebhook(webhookOrder());
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => ingestOrder(db, channelId, order)));
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(await db.order.count()).toBe(1);
    expect(await db.orderLine.count()).toBe(2);
  });
});
