// Valid data for one row of each merchant model, without shopId (the scoped client
// stamps it); parents are created through the same scoped client. The tenancy test
// creates rows from these for every merchant model: a new model needs its entry here.
import { randomUUID } from "node:crypto";
import type { ShopDatabase } from "~/db/prisma.server";

async function channel(db: ShopDatabase) {
  return db.channel.create({
    data: { shopId: db.$shopId(), type: "SHOPIFY", externalId: `${randomUUID()}.myshopify.com`, name: "Test" },
  });
}

function orderData(channelId: string) {
  const now = new Date();
  return {
    channelId,
    externalOrderId: randomUUID(),
    name: "#1001",
    totalPrice: "10.00",
    currency: "USD",
    externalCreatedAt: now,
    externalUpdatedAt: now,
  };
}

async function shippingAccount(db: ShopDatabase) {
  return db.shippingAccount.create({
    data: { shopId: db.$shopId(), carrier: "FEDEX", environment: "SANDBOX", name: "FedEx", accountNumber: "123456789", credentialsHint: "1234" },
  });
}

async function inventoryItem(db: ShopDatabase) {
  return db.inventoryItem.create({ data: { shopId: db.$shopId(), sku: `SKU-${randomUUID()}`, available: 5 } });
}

export const merchantRowData: Record<string, (db: ShopDatabase) => Promise<Record<string, unknown>>> = {
  AuditLog: async () => ({ actorType: "SYSTEM", action: "KEYS_ROTATED", subjectType: "Test", subjectId: randomUUID() }),
  Channel: async () => ({ type: "WOOCOMMERCE", externalId: `https://${randomUUID()}.example`, name: "Store" }),
  WebhookEvent: async () => ({ provider: "SHOPIFY", topic: "orders/create", webhookId: randomUUID(), payload: {} }),
  Order: async (db) => orderData((await channel(db)).id),
  OrderLine: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    return { orderId: order.id, externalLineId: randomUUID(), title: "Tee", quantity: 1, price: "10.00" };
  },
  RefundLine: async (db) => ({
    channelId: (await channel(db)).id,
    externalOrderId: "1",
    externalRefundId: "2",
    externalRefundLineId: randomUUID(),
    externalLineId: "3",
    quantity: 1,
    restockType: "return",
  }),
  DataExport: async () => ({ requestId: randomUUID(), data: {} }),
  ShippingAccount: async () => ({ carrier: "DHL_ECOMMERCE", environment: "SANDBOX", name: "DHL", accountNumber: "5351234", credentialsHint: "abcd" }),
  Shipment: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    return { orderId: order.id, shippingAccountId: (await shippingAccount(db)).id, carrier: "FEDEX", reference: randomUUID(), service: "FEDEX_GROUND" };
  },
  ShipmentEvent: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    const shipment = await db.shipment.create({
      data: { shopId: db.$shopId(), orderId: order.id, shippingAccountId: (await shippingAccount(db)).id, carrier: "FEDEX", reference: randomUUID(), service: "FEDEX_GROUND" },
    });
    return { shipmentId: shipment.id, key: randomUUID(), status: "IN_TRANSIT", occurredAt: new Date(), carrierCode: "IT", description: "In transit" };
  },
  InventoryItem: async () => ({ sku: `SKU-${randomUUID()}`, title: "Tee", available: 3 }),
  InventoryMovement: async (db) => {
    const item = await inventoryItem(db);
    return { inventoryItemId: item.id, sku: item.sku, reason: "MANUAL", delta: 1, availableAfter: 6 };
  },
  InventoryReservation: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    return { orderId: order.id, inventoryItemId: (await inventoryItem(db)).id, quantity: 1 };
  },
  InventoryImport: async () => ({ format: "CSV", fileName: "stock.csv" }),
  Approval: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    return { orderId: order.id, approverEmails: ["owner@example.com"], expiresAt: new Date(Date.now() + 3600_000) };
  },
  ApprovalToken: async (db) => {
    const order = await db.order.create({ data: { shopId: db.$shopId(), ...orderData((await channel(db)).id) } });
    const approval = await db.approval.create({ data: { shopId: db.$shopId(), orderId: order.id, approverEmails: [], expiresAt: new Date(Date.now() + 3600_000) } });
    return { id: randomUUID(), approvalId: approval.id, email: "owner@example.com", tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 3600_000) };
  },
  PixelEvent: async () => ({ eventId: randomUUID(), name: "checkout_completed", occurredAt: new Date(), data: {} }),
  MessageLog: async () => ({ channel: "EMAIL", recipient: "owner@example.com", template: "approval-request", content: {}, dedupeKey: randomUUID() }),
  DeadLetter: async () => ({
    queue: "fulfillment",
    jobName: "fulfillment.fulfill-order",
    jobId: randomUUID(),
    payload: {},
    error: "boom",
    attempts: 3,
    firstFailedAt: new Date(),
    lastFailedAt: new Date(),
  }),
  ChannelConnectAttempt: async () => ({
    nonceHash: randomUUID(),
    storeUrl: "https://store.example",
    expiresAt: new Date(Date.now() + 60_000),
  }),
};
