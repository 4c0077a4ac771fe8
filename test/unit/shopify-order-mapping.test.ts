import { describe, expect, it } from "vitest";
import { orderFromGraphql, orderFromWebhook } from "~/shopify/order-mapping";
import { graphqlOrder, webhookOrder } from "../fixtures/shopify/order-payloads";

describe("orders/* webhook payload → NormalizedOrder", () => {
  it("maps the order, its customer, COD gateway and lines", () => {
    const order = orderFromWebhook(webhookOrder());
    expect(order).toMatchObject({
      externalOrderId: "820982911946154500",
      name: "#1001",
      customerExternalId: "115310627314723950",
      customerName: "Jon Snow",
      email: "jon@example.com",
      paymentGateway: "Cash on Delivery (COD)",
      cod: true,
      financialStatus: "pending",
      fulfillmentStatus: null,
      totalPrice: "199.65",
      currency: "USD",
    });
    expect(order.updatedAt.toISOString()).toBe("2026-11-20T15:00:00.000Z");
    expect(order.lines).toEqual([
      { externalLineId: "866550311766439000", sku: "IPOD2008PINK", title: "IPod Nano - 8GB", quantity: 1, price: "199.00" },
      { externalLineId: "141249953214522980", sku: null, title: "Gift wrap", quantity: 1, price: "0.65" },
    ]);
  });

  it("recognises prepaid orders", () => {
    expect(orderFromWebhook(webhookOrder({ payment_gateway_names: ["shopify_payments"] })).cod).toBe(false);
    expect(orderFromWebhook(webhookOrder({ payment_gateway_names: [] })).paymentGateway).toBeNull();
  });

  it("refuses a payload without what an order needs, naming the field", () => {
    const { line_items: _lines, ...withoutLines } = webhookOrder();
    expect(() => orderFromWebhook(withoutLines)).toThrow(/line_items/);
    expect(() => orderFromWebhook(webhookOrder({ line_items: [{ id: 1, title: "x", quantity: -1, price: "1" }] }))).toThrow(
      /quantity/,
    );
  });
});

describe("GraphQL order node → NormalizedOrder", () => {
  it("agrees with the webhook mapping on the same order", () => {
    const fromGraphql = orderFromGraphql(graphqlOrder());
    const fromWebhook = orderFromWebhook(webhookOrder());
    expect(fromGraphql).toMatchObject({
      externalOrderId: fromWebhook.externalOrderId,
      customerExternalId: fromWebhook.customerExternalId,
      cod: true,
      financialStatus: "pending",
      fulfillmentStatus: "unfulfilled",
      totalPrice: "199.65",
    });
    expect(fromGraphql.lines[0]).toEqual({ externalLineId: "866550311766439000", sku: "IPOD2008PINK", title: "IPod Nano - 8GB", quantity: 1, price: "199.00" });
    expect(fromGraphql.updatedAt.getTime()).toBe(fromWebhook.updatedAt.getTime());
  });
});
