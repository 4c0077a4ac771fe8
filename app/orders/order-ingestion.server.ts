// One ingestion path for every channel and every source (webhook, reconciliation,
// replay): an upsert on (shop, channel, external id) that never lets an older
// version of the order overwrite a newer one.
import { Prisma } from "@prisma/client";
import type { ShopDatabase } from "../db/prisma.server";
import type { NormalizedOrder } from "./order-types";

export type IngestOutcome = "created" | "updated" | "stale";

function orderFields(order: NormalizedOrder) {
  return {
    name: order.name,
    customerExternalId: order.customerExternalId,
    customerName: order.customerName,
    email: order.email,
    phone: order.phone,
    shippingAddress: (order.shippingAddress ?? Prisma.DbNull) as Prisma.InputJsonValue | typeof Prisma.DbNull,
    paymentGateway: order.paymentGateway,
    cod: order.cod,
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    totalPrice: order.totalPrice,
    currency: order.currency,
    cancelledAt: order.cancelledAt,
    externalCreatedAt: order.createdAt,
    externalUpdatedAt: order.updatedAt,
  };
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

export async function ingestOrder(db: ShopDatabase, channelId: string, order: NormalizedOrder): Promise<IngestOutcome> {
  const key = { shopId: db.$shopId(), channelId, externalOrderId: order.externalOrderId };
  try {
    return await db.$transaction(async (tx) => {
      // Newer-or-equal wins: the conditional update is the guard against out-of-order events.
      const { count } = await tx.order.updateMany({
        where: { ...key, externalUpdatedAt: { lte: order.updatedAt } },
        data: orderFields(order),
      });
      if (count === 1) {
        const existing = await tx.order.findUniqueOrThrow({ where: { shopId_channelId_externalOrderId: key } });
        await replaceLines(tx, existing.id, order);
        return "updated" as const;
      }
      const exists = await tx.order.findUnique({ where: { shopId_channelId_externalOrderId: key }, select: { id: true } });
      if (exists) return "stale" as const;
      const created = await tx.order.create({ data: { ...key, ...orderFields(order) } });
      await replaceLines(tx, created.id, order);
      return "created" as const;
    });
  } catch (error) {
    // Two deliveries of a new order raced to create it: the loser applies as an update.
    if (isUniqueViolation(error)) return ingestOrder(db, channelId, order);
    throw error;
  }
}

type Tx = Parameters<Parameters<ShopDatabase["$transaction"]>[0]>[0];

async function replaceLines(tx: Tx, orderId: string, order: NormalizedOrder): Promise<void> {
  if (order.linesComplete) {
    const keep = order.lines.map((line) => line.externalLineId);
    await tx.orderLine.deleteMany({ where: { orderId, externalLineId: { notIn: keep } } });
  }
  for (const line of order.lines) {
    await tx.orderLine.upsert({
      where: { orderId_externalLineId: { orderId, externalLineId: line.externalLineId } },
      create: { shopId: tx.$shopId(), orderId, ...line },
      update: { sku: line.sku, title: line.title, quantity: line.quantity, price: line.price },
    });
  }
}
