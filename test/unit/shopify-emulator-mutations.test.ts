import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";

// The emulator's fulfillment, cancellation and web pixel slices behave as the Admin API
// documents them, so the
// fulfillment and approval pipelines can be tested against it.
let emulator: ShopifyEmulator;
const SHOP = "fulfil.myshopify.com";

beforeAll(async () => {
  emulator = await startShopifyEmulator({ apiKey: "k", apiSecret: "s", scopes: "" });
  emulator.state.addShop(SHOP);
});
afterAll(() => emulator.close());

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const reply = (await emulator.graphql.execute(emulator.state.shops.get(SHOP)!, { query, variables })) as { data?: T; errors?: unknown };
  if (reply.errors) throw new Error(JSON.stringify(reply.errors));
  return reply.data!;
}

const FULFILLMENT_ORDERS = `query($id: ID!) { order(id: $id) { updatedAt displayFulfillmentStatus fulfillmentOrders(first: 5) { nodes {
  id status fulfillmentHolds { id handle reason } lineItems(first: 10) { nodes { id remainingQuantity lineItem { id } } } } } } }`;
const HOLD = `mutation($id: ID!, $handle: String) { fulfillmentOrderHold(id: $id, fulfillmentHold: { reason: AWAITING_PAYMENT, handle: $handle }) {
  fulfillmentOrder { status } fulfillmentHold { id } userErrors { message } } }`;
const RELEASE = `mutation($id: ID!) { fulfillmentOrderReleaseHold(id: $id) { fulfillmentOrder { status } userErrors { message } } }`;
const FULFILL = `mutation($fo: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $fo }], notifyCustomer: true,
  trackingInfo: { company: "FedEx", number: "794644790138", url: "https://www.fedex.com/fedextrack/?trknbr=794644790138" } }) {
  fulfillment { id status trackingInfo { company number url } } userErrors { message } } }`;
const CANCEL = `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: false, restock: true) { job { done } orderCancelUserErrors { code message } } }`;

interface FoReply {
  order: { updatedAt: string; displayFulfillmentStatus: string; fulfillmentOrders: { nodes: Array<{ id: string; status: string; fulfillmentHolds: Array<{ id: string; handle: string }>; lineItems: { nodes: Array<{ remainingQuantity: number }> } }> } };
}

describe("Shopify emulator: fulfillment orders, holds and fulfillments", () => {
  it("holds a COD order's fulfillment order, refuses to fulfil it while held, then fulfils it with tracking once", async () => {
    const order = emulator.state.createOrder(SHOP);
    const id = `gid://shopify/Order/${order.id}`;
    const before = await gql<FoReply>(FULFILLMENT_ORDERS, { id });
    const [fo] = before.order.fulfillmentOrders.nodes;
    expect(fo.status).toBe("OPEN");
    expect(fo.lineItems.nodes[0].remainingQuantity).toBe(1);

    const held = await gql<{ fulfillmentOrderHold: { fulfillmentOrder: { status: string }; userErrors: unknown[] } }>(HOLD, { id: fo.id, handle: "rappit-cod" });
    expect(held.fulfillmentOrderHold).toMatchObject({ fulfillmentOrder: { status: "ON_HOLD" }, userErrors: [] });
    const twice = await gql<{ fulfillmentOrderHold: { userErrors: Array<{ message: string }> } }>(HOLD, { id: fo.id, handle: "rappit-cod" });
    expect(twice.fulfillmentOrderHold.userErrors[0].message).toMatch(/handle already exists/);

    const blocked = await gql<{ fulfillmentCreate: { fulfillment: null; userErrors: Array<{ message: string }> } }>(FULFILL, { fo: fo.id });
    expect(blocked.fulfillmentCreate.userErrors[0].message).toBe("Fulfillment order is on hold.");

    const released = await gql<{ fulfillmentOrderReleaseHold: { fulfillmentOrder: { status: string } } }>(RELEASE, { id: fo.id });
    expect(released.fulfillmentOrderReleaseHold.fulfillmentOrder.status).toBe("OPEN");

    const done = await gql<{ fulfillmentCreate: { fulfillment: { status: string; trackingInfo: unknown[] }; userErrors: unknown[] } }>(FULFILL, { fo: fo.id });
    expect(done.fulfillmentCreate).toMatchObject({
      fulfillment: { status: "SUCCESS", trackingInfo: [{ company: "FedEx", number: "794644790138" }] },
      userErrors: [],
    });
    const after = await gql<FoReply>(FULFILLMENT_ORDERS, { id });
    expect(after.order.fulfillmentOrders.nodes[0].status).toBe("CLOSED");
    expect(after.order.displayFulfillmentStatus).toBe("FULFILLED");
    expect(Date.parse(after.order.updatedAt)).toBeGreaterThan(Date.parse(before.order.updatedAt));

    const again = await gql<{ fulfillmentCreate: { userErrors: Array<{ message: string }> } }>(FULFILL, { fo: fo.id });
    expect(again.fulfillmentCreate.userErrors[0].message).toBe("Fulfillment order is closed.");
    expect(emulator.state.shops.get(SHOP)!.orders.find((o) => o.id === order.id)!.fulfillments).toHaveLength(1);
  });

  it("cancels an order once, and never a fulfilled one", async () => {
    const order = emulator.state.createOrder(SHOP);
    const id = `gid://shopify/Order/${order.id}`;
    const first = await gql<{ orderCancel: { job: { done: boolean }; orderCancelUserErrors: unknown[] } }>(CANCEL, { id });
    expect(first.orderCancel).toEqual({ job: { done: true }, orderCancelUserErrors: [] });
    const stored = emulator.state.shops.get(SHOP)!.orders.find((o) => o.id === order.id)!;
    expect(stored).toMatchObject({ cancelReason: "CUSTOMER", restocked: true });
    expect(stored.fulfillmentOrders[0].status).toBe("CANCELLED");
    const second = await gql<{ orderCancel: { orderCancelUserErrors: Array<{ code: string }> } }>(CANCEL, { id });
    expect(second.orderCancel.orderCancelUserErrors[0].code).toBe("ORDER_ALREADY_CANCELLED");
  });

  it("charges mutations 10 points plus what they select", async () => {
    const order = emulator.state.createOrder(SHOP);
    const reply = (await emulator.graphql.execute(emulator.state.shops.get(SHOP)!, { query: CANCEL, variables: { id: `gid://shopify/Order/${order.id}` } })) as {
      extensions: { cost: { requestedQueryCost: number } };
    };
    expect(reply.extensions.cost.requestedQueryCost).toBe(10 + 1 + 1 + 1);
  });

  it("creates the app's web pixel once and updates its settings", async () => {
    const shop = emulator.state.shops.get(SHOP)!;
    const create = `mutation($s: JSON!) { webPixelCreate(webPixel: { settings: $s }) { webPixel { id settings } userErrors { code } } }`;
    const first = (await emulator.graphql.execute(shop, { query: create, variables: { s: '{"accountID":"1","endpoint":"https://app.example/api/pixel/events"}' } })) as unknown as {
      data: { webPixelCreate: { webPixel: { id: string }; userErrors: unknown[] } };
    };
    expect(first.data.webPixelCreate.userErrors).toEqual([]);
    const again = (await emulator.graphql.execute(shop, { query: create, variables: { s: "{}" } })) as unknown as {
      data: { webPixelCreate: { userErrors: Array<{ code: string }> } };
    };
    expect(again.data.webPixelCreate.userErrors[0].code).toBe("TAKEN");
    const update = `mutation($id: ID!, $s: JSON!) { webPixelUpdate(id: $id, webPixel: { settings: $s }) { webPixel { settings } userErrors { code } } }`;
    const bad = (await emulator.graphql.execute(shop, { query: update, variables: { id: first.data.webPixelCreate.webPixel.id, s: "not json" } })) as unknown as {
      data: { webPixelUpdate: { userErrors: Array<{ code: string }> } };
    };
    expect(bad.data.webPixelUpdate.userErrors[0].code).toBe("INVALID_CONFIGURATION_JSON");
    expect(shop.webPixel?.settings).toBe('{"accountID":"1","endpoint":"https://app.example/api/pixel/events"}');
  });
});
