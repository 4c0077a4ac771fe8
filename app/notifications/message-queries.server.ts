// Reading the message log for the admin: filters from the query string, newest-first
// keyset pages, the CSV export of every matching row in bounded batches, and the
// masking that keeps buyers' full addresses and numbers out of the browser and files.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { beyond, cursorFromParams, keysetPage, type Cursor, type Page } from "../db/keyset-pagination";
import type { ShopDatabase } from "../db/prisma.server";
import { csvLine } from "../http/csv";
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type MessageChannel, type MessageStatus } from "./message-types";

export const MESSAGES_PAGE_SIZE = 20;
/** An export holds at most this many rows (the newest); the page says so. */
export const MESSAGE_EXPORT_MAX_ROWS = 50_000;
const EXPORT_BATCH = 1_000;

export interface MessageFilter {
  /** An order id (uuid) or the order's name ("#1001", or "1001"). */
  order?: { id: string } | { names: string[] };
  /** Substring of the full recipient, case-insensitive; a phone typed with spaces matches its digits. */
  recipient?: string;
  channel?: MessageChannel;
  status?: MessageStatus;
  /** createdAt >= from (start of that UTC day). */
  from?: Date;
  /** createdAt < end of that UTC day. */
  to?: Date;
  cursor?: Cursor;
}

export class InvalidMessageFilterError extends Error {
  readonly status = 400;
}

const DAY_MS = 86_400_000;
const isoDay = z.iso.date("a date like 2026-11-30");

const filterSchema = z
  .object({
    order: z.string().trim().max(100, "at most 100 characters").optional(),
    recipient: z.string().trim().max(200, "at most 200 characters").optional(),
    channel: z.enum(MESSAGE_CHANNELS, `one of ${MESSAGE_CHANNELS.join(", ")}`).optional(),
    status: z.enum(MESSAGE_STATUSES, `one of ${MESSAGE_STATUSES.join(", ")}`).optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, { path: ["to"], message: "on or after the start date" });

const FIELD_LABELS: Record<string, string> = {
  order: "Order",
  recipient: "Recipient",
  channel: "Channel",
  status: "Status",
  from: "From date",
  to: "To date",
};

/** The filters of `/app/messages` (and its export); bad input is an InvalidMessageFilterError naming the field. */
export function parseMessageFilter(params: URLSearchParams): MessageFilter {
  const text = (key: string) => params.get(key)?.trim() || undefined;
  const parsed = filterSchema.safeParse({
    order: text("order"),
    recipient: text("recipient"),
    channel: text("channel"),
    status: text("status"),
    from: text("from"),
    to: text("to"),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${FIELD_LABELS[String(issue.path[0])] ?? issue.path.join(".")}: ${issue.message}`);
    throw new InvalidMessageFilterError(`Check the filters. ${[...new Set(problems)].join("; ")}.`);
  }
  const { order, recipient, channel, status, from, to } = parsed.data;
  return {
    order: order ? orderFilter(order) : undefined,
    recipient: recipient ? recipientNeedle(recipient) : undefined,
    channel,
    status,
    from: from ? new Date(`${from}T00:00:00.000Z`) : undefined,
    to: to ? new Date(new Date(`${to}T00:00:00.000Z`).getTime() + DAY_MS) : undefined,
    cursor: cursorFromParams(params),
  };
}

function orderFilter(value: string): MessageFilter["order"] {
  if (z.uuid().safeParse(value).success) return { id: value.toLowerCase() };
  // Shopify names orders "#1001"; admins often type just the number.
  return { names: value.startsWith("#") ? [value] : [value, `#${value}`] };
}

/** WhatsApp numbers are stored as E.164 digits ("15551234567"): "+1 555 123-4567" should find them. */
function recipientNeedle(value: string): string {
  if (/^[+\d\s().-]+$/.test(value) && /\d/.test(value)) return value.replace(/[+\s().-]/g, "");
  return value;
}

function whereOf(filter: MessageFilter): Prisma.MessageLogWhereInput {
  const createdAt: Prisma.DateTimeFilter = {};
  if (filter.from) createdAt.gte = filter.from;
  if (filter.to) createdAt.lt = filter.to;
  return {
    ...(filter.order && "id" in filter.order ? { orderId: filter.order.id } : {}),
    ...(filter.order && "names" in filter.order ? { order: { is: { name: { in: filter.order.names } } } } : {}),
    ...(filter.recipient ? { recipient: { contains: filter.recipient, mode: "insensitive" as const } } : {}),
    ...(filter.channel ? { channel: filter.channel } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.from || filter.to ? { createdAt } : {}),
  };
}

/** One row as the page and the export show it: the recipient already masked. */
export interface MessageSummary {
  id: string;
  createdAt: Date;
  channel: string;
  template: string;
  recipient: string;
  status: string;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  error: string | null;
  orderId: string | null;
  orderName: string | null;
}

const summarySelect = {
  id: true,
  createdAt: true,
  channel: true,
  template: true,
  recipient: true,
  status: true,
  provider: true,
  providerMessageId: true,
  attempts: true,
  error: true,
  orderId: true,
  order: { select: { name: true } },
} satisfies Prisma.MessageLogSelect;

type SummaryRow = Prisma.MessageLogGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: SummaryRow): MessageSummary {
  return {
    id: row.id,
    createdAt: row.createdAt,
    channel: row.channel,
    template: row.template,
    recipient: maskRecipient(row.recipient),
    status: row.status,
    provider: row.provider,
    providerMessageId: row.providerMessageId,
    attempts: row.attempts,
    error: row.error,
    orderId: row.orderId,
    orderName: row.order?.name ?? null,
  };
}

export async function listMessages(db: ShopDatabase, filter: MessageFilter): Promise<Page<MessageSummary>> {
  const page = await keysetPage<SummaryRow>({
    field: "createdAt",
    timeOf: (row) => row.createdAt,
    filter: whereOf(filter) as Record<string, unknown>,
    cursor: filter.cursor,
    limit: MESSAGES_PAGE_SIZE,
    find: (args) =>
      db.messageLog.findMany({
        where: args.where as Prisma.MessageLogWhereInput,
        orderBy: args.orderBy as Prisma.MessageLogOrderByWithRelationInput[],
        take: args.take,
        select: summarySelect,
      }),
    count: (args) => db.messageLog.count({ where: args.where as Prisma.MessageLogWhereInput }),
  });
  return { ...page, rows: page.rows.map(toSummary) };
}

export const MESSAGE_CSV_HEADER = [
  "created",
  "channel",
  "template",
  "recipient",
  "status",
  "provider",
  "provider message id",
  "attempts",
  "error",
  "order",
];

/** How many rows an export of `filter` will hold, and whether the cap cuts it. */
export async function messageExportSize(db: ShopDatabase, filter: MessageFilter): Promise<{ rows: number; truncated: boolean }> {
  const matching = await db.messageLog.count({ where: whereOf(filter) });
  return { rows: Math.min(matching, MESSAGE_EXPORT_MAX_ROWS), truncated: matching > MESSAGE_EXPORT_MAX_ROWS };
}

/**
 * The CSV of every message matching `filter` (its cursor ignored), newest first, as
 * lines: the header, then batches of 1,000 read by keyset so memory stays flat and
 * rows arriving meanwhile never shift a batch. Stops at MESSAGE_EXPORT_MAX_ROWS.
 */
export async function* messagesCsv(
  db: ShopDatabase,
  filter: MessageFilter,
  maxRows: number = MESSAGE_EXPORT_MAX_ROWS,
): AsyncGenerator<string> {
  yield csvLine(MESSAGE_CSV_HEADER);
  const where = whereOf(filter);
  let after: { at: Date; id: string } | undefined;
  let written = 0;
  while (written < maxRows) {
    const batch = await db.messageLog.findMany({
      where: after ? { AND: [where, beyond("createdAt", "older", after.at, after.id) as Prisma.MessageLogWhereInput] } : where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(EXPORT_BATCH, maxRows - written),
      select: summarySelect,
    });
    if (batch.length === 0) return;
    let lines = "";
    for (const row of batch) {
      const message = toSummary(row);
      lines += csvLine([
        message.createdAt.toISOString(),
        message.channel,
        message.template,
        message.recipient,
        message.status,
        message.provider,
        message.providerMessageId,
        message.attempts,
        message.error,
        message.orderName,
      ]);
    }
    yield lines;
    written += batch.length;
    const last = batch[batch.length - 1];
    after = { at: last.createdAt, id: last.id };
    if (batch.length < EXPORT_BATCH) return;
  }
}

// Calling codes of one or two digits (ITU-T E.164 assignments); every other code has three.
const TWO_DIGIT_CODES = new Set([
  "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
  "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
  "86", "90", "91", "92", "93", "94", "95", "98",
]);

function callingCode(digits: string): string {
  if (digits.startsWith("1") || digits.startsWith("7")) return digits.slice(0, 1);
  if (TWO_DIGIT_CODES.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/**
 * What the admin sees of a buyer's address: `j***@example.com`, `+1 ••• ••• 4567`.
 * Enough to tell messages apart and to recognise a buyer they already know, not
 * enough to copy a contact out of the page or an export.
 */
export function maskRecipient(recipient: string): string {
  const value = recipient.trim();
  const at = value.lastIndexOf("@");
  if (at >= 0) {
    const local = value.slice(0, at);
    return `${local ? local[0] : ""}***@${value.slice(at + 1)}`;
  }
  const digits = value.replace(/\D/g, "");
  if (/^\+?[\d\s().-]+$/.test(value) && digits.length >= 8) {
    return `+${callingCode(digits)} ••• ••• ${digits.slice(-4)}`;
  }
  if (digits.length > 0 && /^\+?[\d\s().-]+$/.test(value)) return `••• ${digits.slice(-2)}`;
  return value.length > 1 ? `${value[0]}***` : "***";
}
