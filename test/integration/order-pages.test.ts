import { afterAll, describe, expect, it } from "vitest";
import { ensureShopifyChannel } from "~/channels/shopify-channel.server";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { exportCustomerData } from "~/gdpr/customer-data.server";
import { ingestOrder } from "~/orders/order-ingestion.server";
import { loader as orderLoader } from "~/routes/app.orders.$id";
import { action as syncAction, loader as ordersLoader } from "~/routes/app.orders._index";
import { closeQueues, getQueue } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import { loader as downloadLoader } from "~/routes/app.privacy.$id";
import { loader as privacyLoader } from "~/routes/app.privacy._index";
import { orderFromWebhook } from "~/shopify/order-mapping";
import { buildShop } from "../factories/shop.factory";
import { webhookOrder } from "../fixtures/shopify/order-payloads";
import { adminRequest, settle } from "../support/admin-requests";

afterAll(async () => {
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

async function shopWithOrders(count: number) {
  const shop = await buildShop();
  const db = forShop(shop.id);
  const channel = await ensureShopifyChannel(db, shop.domain);
  for (let i = 1; i <= count; i++) {
    await ingestOrder(
      db,
      channel.id,
      orderFromWebhook(
        webhookOrder({
          id: 5000 + i,
          name: `#${1000 + i}`,
          created_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
          payment_gateway_names: [i % 2 ? "Cash on Delivery (COD)" : "shopify_payments"],
          financial_status: i % 2 ? "pending" : "paid",
        }),
      ),
    );
  }
  return shop;
}

async function open(loader: (args: never) => unknown, shop: string, path: string, params: Record<string, string> = {}) {
  const response = await settle(async () =>
    (loader as (args: { request: Request; params: object; context: object }) => Promise<unknown>)({
      request: await adminRequest(shop, path),
      params,
      context: {},
    }),
  );
  return response;
}

describe("/app/orders", () => {
  it("lists the shop's orders newest first, filters COD, and pages", async () => {
    const shop = await shopWithOrders(27);
    const other = await shopWithOrders(2);
    const first = await (await open(ordersLoader, shop.domain, "/app/orders")).json();
    expect(first.rows).toHaveLength(25);
    expect(first.rows[0].name).toBe("#1027");
    const next = await (await open(ordersLoader, shop.domain, `/app/orders?older=${first.olderCursor}`)).json();
    expect(next.rows.map((row: { name: string }) => row.name)).toEqual(["#1002", "#1001"]);

    const cod = await (await open(ordersLoader, shop.domain, "/app/orders?cod=1")).json();
    expect(cod.rows).toHaveLength(14);
    expect(cod.rows.every((row: { cod: boolean }) => row.cod)).toBe(true);
    const paid = await (await open(ordersLoader, shop.domain, "/app/orders?financialStatus=paid")).json();
    expect(paid.rows).toHaveLength(13);

    const theirs = await (await open(ordersLoader, other.domain, "/app/orders")).json();
    expect(theirs.rows).toHaveLength(2);
  });

  it("answers 400 with a message for an unknown filter", async () => {
    const shop = await shopWithOrders(1);
    const response = await open(ordersLoader, shop.domain, "/app/orders?channel=AMAZON");
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/Unknown filter value for channel/);
  });

  it("shows one order with its lines, and 404s another shop's order", async () => {
    const shop = await shopWithOrders(1);
    const other = await shopWithOrders(1);
    const [order] = await forShop(shop.id).order.findMany();
    const detail = await (await open(orderLoader, shop.domain, `/app/orders/${order.id}`, { id: order.id })).json();
    expect(detail).toMatchObject({ name: "#1001", cod: true, email: "jon@example.com" });
    expect(detail.lines).toHaveLength(2);

    expect((await open(orderLoader, other.domain, `/app/orders/${order.id}`, { id: order.id })).status).toBe(404);
    expect((await open(orderLoader, shop.domain, "/app/orders/not-a-uuid", { id: "not-a-uuid" })).status).toBe(404);
  });
});

describe("Sync orders now", () => {
  it("queues one reconciliation of the shop, however often it is pressed within a minute", async () => {
    const shop = await shopWithOrders(0);
    for (let i = 0; i < 3; i++) {
      const response = await settle(async () =>
        syncAction({ request: await adminRequest(shop.domain, "/app/orders", { method: "POST" }), params: {}, context: {} }),
      );
      expect(await response.json()).toMatchObject({ ok: true });
    }
    const jobs = (await getQueue("sync").getJobs(["waiting", "delayed"])).filter((job) => job.data.shopId === shop.id);
    expect(jobs.map((job) => job.name)).toEqual(["sync.reconcile-shop"]);
  });
});

describe("/app/privacy", () => {
  it("lists the shop's data exports and downloads one as JSON, audited; another shop gets 404", async () => {
    const shop = await shopWithOrders(1);
    const other = await buildShop();
    const { exportId } = await exportCustomerData(forShop(shop.id), {
      customer: { id: 115310627314723950, email: "jon@example.com" },
      orders_requested: [],
      data_request: { id: 4242 },
    });
    const list = await (await open(privacyLoader, shop.domain, "/app/privacy")).json();
    expect(list.exports).toEqual([expect.objectContaining({ id: exportId, requestId: "4242", customer: "jon@example.com" })]);

    const download = await open(downloadLoader, shop.domain, `/app/privacy/${exportId}`, { id: exportId });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="rappit-data-request-4242.json"');
    const body = await download.json();
    expect(body.orders).toHaveLength(1);
    expect(await forShop(shop.id).auditLog.count({ where: { action: "CUSTOMER_DATA_REQUESTED" } })).toBe(2);

    expect((await open(downloadLoader, other.domain, `/app/privacy/${exportId}`, { id: exportId })).status).toBe(404);
  });
});
