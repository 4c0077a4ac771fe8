import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { computeRiskNotes } from "~/approvals/risk-notes.server";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { buildShop } from "../factories/shop.factory";

afterAll(async () => {
  await disconnectPrisma();
});

const DAY = 24 * 60 * 60 * 1000;

async function codOrder(shopId: string, externalOrderId: string, buyer: { email: string | null; phone: string | null }) {
  const db = forShop(shopId);
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const now = new Date();
  return db.order.create({
    data: {
      shopId,
      channelId: channel.id,
      externalOrderId,
      name: `#${externalOrderId}`,
      totalPrice: "25.00",
      currency: "USD",
      cod: true,
      email: buyer.email,
      phone: buyer.phone,
      externalCreatedAt: now,
      externalUpdatedAt: now,
    },
  });
}

type Seed = { name: string; token: string; minutesAgo?: number; daysAgo?: number; orderId?: string; email?: string; phone?: string; gateways?: string[] };

async function pixelEvents(shopId: string, seeds: Seed[]) {
  const now = Date.now();
  await forShop(shopId).pixelEvent.createMany({
    data: seeds.map((seed) => {
      const at = new Date(now - (seed.daysAgo ?? 0) * DAY - (seed.minutesAgo ?? 0) * 60_000);
      return {
        shopId,
        eventId: randomUUID(),
        name: seed.name,
        occurredAt: at,
        receivedAt: at,
        checkoutToken: seed.token,
        orderId: seed.orderId ?? null,
        email: seed.email ?? null,
        phone: seed.phone ?? null,
        gateways: seed.gateways ?? [],
        data: {},
      };
    }),
  });
}

const pixelNotes = (notes: Array<{ code: string; text: string }>) => notes.filter((note) => note.code.startsWith("PIXEL_"));

describe("risk notes from pixel events", () => {
  it("notes other checkouts by the same email or phone, and card submissions before cash on delivery", async () => {
    const shop = await buildShop();
    const order = await codOrder(shop.id, "9001", { email: "Jon@Example.com", phone: "+1 555 000 0001" });
    await pixelEvents(shop.id, [
      // This order's checkout: two card submissions, then COD.
      { name: "payment_info_submitted", token: "T1", minutesAgo: 9, email: "jon@example.com", gateways: ["shopify_payments", "creditCard"] },
      { name: "payment_info_submitted", token: "T1", minutesAgo: 6, email: "jon@example.com", gateways: ["shopify_payments", "creditCard"] },
      { name: "checkout_completed", token: "T1", minutesAgo: 5, orderId: "9001", email: "jon@example.com", gateways: ["Cash on Delivery (COD)", "paymentOnDelivery"] },
      // Other checkouts of the same buyer: one abandoned (email), one completed (phone, formatted differently).
      { name: "payment_info_submitted", token: "T2", daysAgo: 3, email: "jon@example.com", gateways: ["Cash on Delivery (COD)"] },
      { name: "checkout_completed", token: "T3", daysAgo: 10, orderId: "8000", phone: "+15550000001" },
      // Beyond the 30 days: not counted.
      { name: "checkout_completed", token: "T4", daysAgo: 31, email: "jon@example.com" },
      // Someone else.
      { name: "checkout_completed", token: "T5", daysAgo: 1, email: "arya@example.com" },
    ]);
    const notes = await computeRiskNotes(forShop(shop.id), order);
    expect(pixelNotes(notes)).toEqual([
      { code: "PIXEL_CHECKOUTS", text: "This buyer's email or phone was used in 2 other checkouts in the last 30 days (1 completed)." },
      { code: "PIXEL_PAYMENT_ATTEMPTS", text: "Cash on delivery was chosen after 2 payment submissions with another method in the same checkout." },
    ]);
  });

  it("adds nothing without pixel events, for a single other checkout, or for COD chosen first", async () => {
    const shop = await buildShop();
    const silent = await codOrder(shop.id, "9100", { email: "quiet@example.com", phone: "+15550000099" });
    expect(pixelNotes(await computeRiskNotes(forShop(shop.id), silent))).toEqual([]);

    const order = await codOrder(shop.id, "9101", { email: "sansa@example.com", phone: null });
    await pixelEvents(shop.id, [
      { name: "payment_info_submitted", token: "S1", minutesAgo: 4, email: "sansa@example.com", gateways: ["Cash on Delivery (COD)"] },
      { name: "checkout_completed", token: "S1", minutesAgo: 3, orderId: "9101", email: "sansa@example.com", gateways: ["Cash on Delivery (COD)"] },
      { name: "checkout_completed", token: "S2", daysAgo: 2, email: "sansa@example.com" },
    ]);
    expect(pixelNotes(await computeRiskNotes(forShop(shop.id), order))).toEqual([]);
  });

  it("never counts another shop's events", async () => {
    const shop = await buildShop();
    const other = await buildShop();
    const order = await codOrder(shop.id, "9200", { email: "bran@example.com", phone: null });
    await pixelEvents(other.id, [
      { name: "checkout_completed", token: "B1", daysAgo: 1, email: "bran@example.com" },
      { name: "checkout_completed", token: "B2", daysAgo: 2, email: "bran@example.com" },
      { name: "checkout_completed", token: "B3", daysAgo: 3, email: "bran@example.com" },
    ]);
    expect(pixelNotes(await computeRiskNotes(forShop(shop.id), order))).toEqual([]);
  });
});
