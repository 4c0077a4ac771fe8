import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { exportCustomerData, redactCustomer } from "~/gdpr/customer-data.server";
import { buildShop } from "../factories/shop.factory";

afterAll(async () => {
  await disconnectPrisma();
});

const JON = { id: 7101, email: "jon.pixel@example.com", phone: "+15550007101" };

async function jonsOrder(shopId: string) {
  const db = forShop(shopId);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const now = new Date();
  return db.order.create({
    data: { shopId, channelId: channel.id, externalOrderId: "710001", name: "#1", totalPrice: "9.00", currency: "USD", email: JON.email, phone: JON.phone, customerExternalId: String(JON.id), externalCreatedAt: now, externalUpdatedAt: now },
  });
}

async function event(shopId: string, tag: string, fields: { token?: string; email?: string; phone?: string; orderId?: string }) {
  await forShop(shopId).pixelEvent.create({
    data: {
      shopId,
      eventId: `${tag}-${randomUUID()}`,
      name: "checkout_completed",
      occurredAt: new Date(),
      checkoutToken: fields.token ?? null,
      email: fields.email ?? null,
      phone: fields.phone ?? null,
      orderId: fields.orderId ?? null,
      data: {},
    },
  });
}

/** Jon's events: by email (other case), by phone (other format), by order, and a contactless one of his checkout. */
async function seed(shopId: string) {
  await jonsOrder(shopId);
  await event(shopId, "by-email", { token: "J1", email: "Jon.Pixel@example.com" });
  await event(shopId, "same-checkout", { token: "J1" });
  await event(shopId, "by-phone", { token: "J2", phone: "+1 (555) 000-7101" });
  await event(shopId, "by-order", { token: "J3", orderId: "710001" });
  await event(shopId, "arya", { token: "A1", email: "arya.pixel@example.com", phone: "+15550007102" });
}

const tags = async (shopId: string) =>
  (await forShop(shopId).pixelEvent.findMany({ select: { eventId: true } })).map((row) => row.eventId.split("-").slice(0, -5).join("-")).sort();

describe("GDPR and pixel events", () => {
  it("customers/data_request exports the customer's pixel events and no one else's", async () => {
    const shop = await buildShop();
    await seed(shop.id);
    const { exportId } = await exportCustomerData(forShop(shop.id), { customer: JON, orders_requested: [], data_request: { id: 501 } });
    const saved = await forShop(shop.id).dataExport.findUniqueOrThrow({ where: { id: exportId } });
    const exported = (saved.data as { pixelEvents: Array<{ eventId: string; checkoutToken: string | null }> }).pixelEvents;
    expect(exported.map((row) => row.eventId.split("-").slice(0, -5).join("-")).sort()).toEqual(["by-email", "by-order", "by-phone", "same-checkout"]);
    expect(JSON.stringify(exported)).not.toContain("arya");
  });

  it("customers/redact deletes the customer's pixel events, in this shop only", async () => {
    const shop = await buildShop();
    const other = await buildShop();
    await seed(shop.id);
    await event(other.id, "other-shop", { token: "O1", email: JON.email });

    await redactCustomer(forShop(shop.id), { customer: JON, orders_to_redact: ["710001"] });
    expect(await tags(shop.id)).toEqual(["arya"]);
    expect(await tags(other.id)).toEqual(["other-shop"]);
    const [audit] = await forShop(shop.id).auditLog.findMany({ where: { action: "CUSTOMER_REDACTED" } });
    expect(audit.after).toMatchObject({ pixelEvents: 4 });
  });
});
