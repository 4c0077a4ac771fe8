import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, getPrisma } from "~/db/prisma.server";
import { closeQueues } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import * as dataRequest from "~/routes/webhooks.customers.data_request";
import * as customersRedact from "~/routes/webhooks.customers.redact";
import * as ordersCreate from "~/routes/webhooks.orders.create";
import * as shopRedact from "~/routes/webhooks.shop.redact";
import { MERCHANT_MODELS } from "~/security/tenancy";
import { sessionStorage } from "~/shopify.server";
import { buildShop } from "../factories/shop.factory";
import { webhookOrder } from "../fixtures/shopify/order-payloads";
import { runQueuedEventJob } from "../support/inbound";
import { responseOf, signedWebhook } from "../support/shopify-webhooks";
import { offlineSession } from "../support/shops";

afterAll(async () => {
  await closeQueues();
  await closeProducerRedis();
  await disconnectPrisma();
});

type Route = { action: (args: ActionFunctionArgs) => Promise<Response> };

/** Delivers a webhook and runs the job it enqueued, as the inbound worker would. */
async function deliverAndProcess(route: Route, topic: string, shop: { id: string; domain: string }, payload: unknown) {
  const request = signedWebhook({ topic, shop: shop.domain, path: `/webhooks/${topic}`, payload });
  expect((await responseOf(() => route.action({ request, params: {}, context: {} }))).status).toBe(200);
  const event = await forShop(shop.id).webhookEvent.findFirst({ where: { processedAt: null }, orderBy: { receivedAt: "desc" } });
  return event ? runQueuedEventJob(event.id) : { outcome: "not-recorded" };
}

const JON = { id: 7001, email: "jon.gdpr@example.com", phone: "+15550000001" };
const ARYA = { id: 7002, email: "arya.gdpr@example.com", phone: "+15550000002" };

function orderOf(person: typeof JON, id: number, name: string) {
  return webhookOrder({
    id,
    name,
    email: person.email,
    phone: person.phone,
    customer: { id: person.id, first_name: "Test", last_name: `Person${person.id}`, email: person.email },
    shipping_address: { address1: `${person.id} Winterfell Road`, city: "North", phone: person.phone },
  });
}

async function shopWithOrders() {
  const shop = await buildShop();
  await deliverAndProcess(ordersCreate, "orders/create", shop, orderOf(JON, 1, "#1"));
  await deliverAndProcess(ordersCreate, "orders/create", shop, orderOf(JON, 2, "#2"));
  await deliverAndProcess(ordersCreate, "orders/create", shop, orderOf(ARYA, 3, "#3"));
  return shop;
}

/** Rows of every merchant table, as text, that contain `needle` for this shop. */
async function rowsMentioning(shopId: string, needle: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const model of MERCHANT_MODELS) {
    const [{ n }] = await getPrisma().$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM "${model}" t WHERE t."shopId" = $1::uuid AND t::text ILIKE $2`,
      shopId,
      `%${needle}%`,
    );
    if (Number(n) > 0) found[model] = Number(n);
  }
  return found;
}

describe("customers/data_request", () => {
  it("exports every row about the customer, and nothing about others, audited", async () => {
    const shop = await shopWithOrders();
    const { outcome } = await deliverAndProcess(dataRequest, "customers/data_request", shop, {
      shop_id: 1, shop_domain: shop.domain, orders_requested: [1, 2], customer: JON, data_request: { id: 9999 },
    });
    expect(outcome).toBe("exported:2");
    const exported = await forShop(shop.id).dataExport.findFirstOrThrow({ where: { requestId: "9999" } });
    const data = exported.data as { orders: Array<{ name: string; lines: unknown[] }>; webhookEvents: unknown[] };
    expect(data.orders.map((o) => o.name).sort()).toEqual(["#1", "#2"]);
    expect(data.orders[0].lines).toHaveLength(2);
    expect(data.webhookEvents.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(data)).not.toContain(ARYA.email);
    expect(await forShop(shop.id).auditLog.count({ where: { action: "CUSTOMER_DATA_REQUESTED" } })).toBe(1);
  });
});

describe("customers/redact", () => {
  it("masks the customer's personal data in every table and keeps order totals", async () => {
    const shop = await shopWithOrders();
    await deliverAndProcess(dataRequest, "customers/data_request", shop, { customer: JON, orders_requested: [], data_request: { id: 1 } });
    expect(Object.keys(await rowsMentioning(shop.id, JON.email)).length).toBeGreaterThan(0);

    const { outcome } = await deliverAndProcess(customersRedact, "customers/redact", shop, {
      shop_id: 1, shop_domain: shop.domain, customer: JON, orders_to_redact: [1, 2],
    });
    expect(outcome).toBe("redacted:2");

    for (const needle of [JON.email, JON.phone, `${JON.id} Winterfell Road`]) {
      const left = await rowsMentioning(shop.id, needle);
      expect(left, needle).toEqual({});
    }
    const orders = await forShop(shop.id).order.findMany({ orderBy: { name: "asc" } });
    expect(orders.map((o) => [o.name, o.totalPrice.toString(), o.email, o.redactedAt !== null])).toEqual([
      ["#1", "199.65", null, true],
      ["#2", "199.65", null, true],
      ["#3", "199.65", ARYA.email, false],
    ]);
    expect(await forShop(shop.id).dataExport.count()).toBe(0);
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop in every table, keeps a bare audited shop record", async () => {
    const shop = await shopWithOrders();
    const other = await shopWithOrders();
    await sessionStorage!.storeSession(offlineSession(shop.domain));

    expect(await deliverAndProcess(shopRedact, "shop/redact", shop, { shop_id: 1, shop_domain: shop.domain })).toEqual({ outcome: "shop-purged" });

    for (const model of MERCHANT_MODELS) {
      const [{ n }] = await getPrisma().$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT count(*) AS n FROM "${model}" WHERE "shopId" = $1::uuid`,
        shop.id,
      );
      expect(Number(n), model).toBe(model === "AuditLog" ? 1 : 0);
    }
    expect((await forShop(shop.id).auditLog.findFirstOrThrow()).action).toBe("SHOP_REDACTED");
    expect(await getPrisma().session.count({ where: { shop: shop.domain } })).toBe(0);
    expect((await getPrisma().shop.findUniqueOrThrow({ where: { id: shop.id } })).redactedAt).toBeInstanceOf(Date);
    // The other shop is untouched, and nothing new is stored for the redacted one.
    expect(await forShop(other.id).order.count()).toBe(3);
    expect(await deliverAndProcess(ordersCreate, "orders/create", shop, orderOf(JON, 4, "#4"))).toEqual({ outcome: "not-recorded" });
  });
});
