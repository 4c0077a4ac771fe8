// GDPR for one customer: what Rappit holds about them (customers/data_request)
// and masking it (customers/redact). Orders keep their totals for bookkeeping.
import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { customerEventIds, customerPixelEvents, deleteCustomerPixelEvents } from "../pixel/customer-events.server";
import { recordAudit } from "../security/audit.server";

const id = z.union([z.string(), z.number()]).transform(String);
const customer = z.object({ id: id.optional(), email: z.string().nullable().optional(), phone: z.string().nullable().optional() });

export const dataRequestSchema = z.object({
  customer,
  orders_requested: z.array(id).optional().default([]),
  data_request: z.object({ id }),
});

export const customerRedactSchema = z.object({
  customer,
  orders_to_redact: z.array(id).optional().default([]),
});

type CustomerRef = z.output<typeof customer>;

/** Orders that belong to the customer: by customer id, email, phone, or named by Shopify. */
function customerOrders(ref: CustomerRef, orderIds: string[]): Prisma.OrderWhereInput {
  const or: Prisma.OrderWhereInput[] = [];
  if (ref.id) or.push({ customerExternalId: ref.id });
  if (ref.email) or.push({ email: { equals: ref.email, mode: "insensitive" } });
  if (ref.phone) or.push({ phone: ref.phone });
  if (orderIds.length > 0) or.push({ externalOrderId: { in: orderIds } });
  return or.length > 0 ? { OR: or } : { id: { in: [] } };
}

/** Raw webhook payloads that mention the customer or their orders (raw SQL carries the shop filter). */
async function customerEvents(db: ShopDatabase, ref: CustomerRef, orderIds: string[]) {
  return db.$queryRaw<Array<{ id: string; topic: string; receivedAt: Date; payload: unknown }>>`
    SELECT id::text, topic, "receivedAt", payload FROM "WebhookEvent"
     WHERE "shopId" = ${db.$shopId()}::uuid
       AND ( (${ref.id ?? null}::text IS NOT NULL AND payload->'customer'->>'id' = ${ref.id ?? null})
          OR (${ref.email ?? null}::text IS NOT NULL AND lower(payload->>'email') = lower(${ref.email ?? null}))
          OR (payload->>'id' = ANY(${orderIds}::text[]))
          OR (payload->>'order_id' = ANY(${orderIds}::text[])) )`;
}

/** customers/data_request: collects every row about the customer into a DataExport. */
export async function exportCustomerData(db: ShopDatabase, payload: unknown): Promise<{ exportId: string; orders: number }> {
  const request = dataRequestSchema.parse(payload);
  const orders = await db.order.findMany({
    where: customerOrders(request.customer, request.orders_requested),
    // Shipments without the label document (it is the customer's address again, as an image).
    include: { lines: true, shipments: { omit: { label: true } } },
    orderBy: { externalCreatedAt: "asc" },
  });
  const orderIds = orders.map((order) => order.externalOrderId);
  const refundLines = await db.refundLine.findMany({ where: { externalOrderId: { in: orderIds } } });
  const events = await customerEvents(db, request.customer, orderIds);
  const pixelEvents = await customerPixelEvents(db, { ...request.customer, orderIds: [...orderIds, ...request.orders_requested] });
  const data = JSON.parse(
    JSON.stringify({ customer: request.customer, orders, refundLines, webhookEvents: events, pixelEvents, generatedAt: new Date() }),
  ) as Prisma.InputJsonValue;

  const saved = await db.dataExport.upsert({
    where: { shopId_requestId: { shopId: db.$shopId(), requestId: request.data_request.id } },
    create: {
      shopId: db.$shopId(),
      requestId: request.data_request.id,
      customerExternalId: request.customer.id ?? null,
      email: request.customer.email ?? null,
      phone: request.customer.phone ?? null,
      data,
    },
    update: { data },
  });
  await recordAudit(db, {
    actor: { type: "WORKER", id: "gdpr" },
    action: "CUSTOMER_DATA_REQUESTED",
    subject: { type: "DataExport", id: saved.id },
    after: { orders: orders.length, requestId: request.data_request.id },
  });
  return { exportId: saved.id, orders: orders.length };
}

/** customers/redact: masks the customer's personal data in every table; totals stay. */
export async function redactCustomer(db: ShopDatabase, payload: unknown): Promise<{ orders: number; events: number }> {
  const request = customerRedactSchema.parse(payload);
  const where = customerOrders(request.customer, request.orders_to_redact);
  const orders = await db.order.findMany({ where, select: { id: true, externalOrderId: true } });
  const orderIds = orders.map((order) => order.externalOrderId);
  const events = await customerEvents(db, request.customer, orderIds);
  const pixelEventIds = await customerEventIds(db, { ...request.customer, orderIds: [...orderIds, ...request.orders_to_redact] });

  await db.$transaction(async (tx) => {
    await tx.order.updateMany({
      where: { id: { in: orders.map((order) => order.id) } },
      data: {
        customerExternalId: null,
        customerName: null,
        email: null,
        phone: null,
        shippingAddress: Prisma.DbNull,
        redactedAt: new Date(),
      },
    });
    // A label document prints the customer's name and address: it goes; tracking numbers stay.
    await tx.shipment.updateMany({ where: { orderId: { in: orders.map((order) => order.id) } }, data: { label: null } });
    // Line titles and SKUs describe products, not people: kept.
    for (const event of events) {
      await tx.webhookEvent.update({
        where: { id: event.id },
        data: { payload: { redacted: true, topic: event.topic } },
      });
    }
    const exportsOfCustomer: Prisma.DataExportWhereInput[] = [];
    if (request.customer.id) exportsOfCustomer.push({ customerExternalId: request.customer.id });
    if (request.customer.email) exportsOfCustomer.push({ email: { equals: request.customer.email, mode: "insensitive" } });
    if (exportsOfCustomer.length > 0) await tx.dataExport.deleteMany({ where: { OR: exportsOfCustomer } });
    // Checkout pixel events exist only for risk notes: deleted, not masked.
    await deleteCustomerPixelEvents(tx, pixelEventIds);
  });
  await recordAudit(db, {
    actor: { type: "WORKER", id: "gdpr" },
    action: "CUSTOMER_REDACTED",
    subject: { type: "Customer", id: request.customer.id ?? "unknown" },
    after: { orders: orders.length, webhookEvents: events.length, pixelEvents: pixelEventIds.length },
  });
  return { orders: orders.length, events: events.length };
}
