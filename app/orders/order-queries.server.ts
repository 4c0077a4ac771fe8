// Reading orders for the admin pages: filtered, newest first, one shop only.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { cursorFromParams, keysetPage, type Cursor, type Page } from "../db/keyset-pagination";
import type { ShopDatabase } from "../db/prisma.server";

export const ORDERS_PAGE_SIZE = 25;

export interface OrderFilter {
  channel?: "SHOPIFY" | "WOOCOMMERCE";
  cod?: boolean;
  financialStatus?: string;
  cursor?: Cursor;
}

export class InvalidOrderFilterError extends Error {
  readonly status = 400;
}

const filterSchema = z.object({
  channel: z.enum(["SHOPIFY", "WOOCOMMERCE"]).optional(),
  cod: z.enum(["1", "0"]).optional(),
  financialStatus: z
    .enum(["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided"])
    .optional(),
});

export function parseOrderFilter(params: URLSearchParams): OrderFilter {
  const parsed = filterSchema.safeParse({
    channel: params.get("channel") || undefined,
    cod: params.get("cod") || undefined,
    financialStatus: params.get("financialStatus") || undefined,
  });
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].join(", ");
    throw new InvalidOrderFilterError(`Unknown filter value for ${fields}: clear the filters and choose again.`);
  }
  return {
    channel: parsed.data.channel,
    cod: parsed.data.cod === undefined ? undefined : parsed.data.cod === "1",
    financialStatus: parsed.data.financialStatus,
    cursor: cursorFromParams(params),
  };
}

export interface OrderSummary {
  id: string;
  name: string;
  channelType: string;
  customerName: string | null;
  cod: boolean;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  /** Rappit's pipeline state (NEW, PENDING_APPROVAL, ... FULFILLED). */
  status: string;
  totalPrice: string;
  currency: string;
  cancelledAt: Date | null;
  externalCreatedAt: Date;
}

export async function listOrders(db: ShopDatabase, filter: OrderFilter): Promise<Page<OrderSummary>> {
  const where = {
    ...(filter.channel ? { channel: { type: filter.channel } } : {}),
    ...(filter.cod === undefined ? {} : { cod: filter.cod }),
    ...(filter.financialStatus ? { financialStatus: filter.financialStatus } : {}),
  };
  const find = (args: { where: object; orderBy: object[]; take: number }) =>
    db.order.findMany({
      where: args.where as Prisma.OrderWhereInput,
      orderBy: args.orderBy as Prisma.OrderOrderByWithRelationInput[],
      take: args.take,
      include: { channel: { select: { type: true } } },
    });
  const page = await keysetPage<Awaited<ReturnType<typeof find>>[number]>({
    field: "externalCreatedAt",
    timeOf: (row) => row.externalCreatedAt,
    filter: where,
    cursor: filter.cursor,
    limit: ORDERS_PAGE_SIZE,
    find,
    count: (args) => db.order.count(args),
  });
  return {
    ...page,
    rows: page.rows.map((row) => ({
      id: row.id,
      name: row.name,
      channelType: row.channel.type,
      customerName: row.customerName,
      cod: row.cod,
      financialStatus: row.financialStatus,
      fulfillmentStatus: row.fulfillmentStatus,
      status: row.status,
      totalPrice: row.totalPrice.toFixed(2),
      currency: row.currency,
      cancelledAt: row.cancelledAt,
      externalCreatedAt: row.externalCreatedAt,
    })),
  };
}

/** One order with its lines, or null when it is not this shop's. */
export async function getOrder(db: ShopDatabase, id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return db.order.findUnique({
    where: { id },
    include: { lines: { orderBy: { externalLineId: "asc" } }, channel: { select: { type: true, name: true } } },
  });
}
