// Newest-first keyset pagination on (time, id), shared by the list pages. New rows
// never shift a page, and each page costs one indexed query (plus one existence
// check when paging back). Cursors travel in URLs as opaque base64url text.
import { z } from "zod";

export interface Cursor {
  direction: "older" | "newer";
  at: Date;
  id: string;
}

export interface Page<Row> {
  rows: Row[];
  hasOlder: boolean;
  hasNewer: boolean;
}

type Where = Record<string, unknown>;
type OrderBy = Array<Record<string, "asc" | "desc">>;

/** Rows strictly older (or newer) than `at`/`id` in (field, id) order. */
export function beyond(field: string, direction: "older" | "newer", at: Date, id: string): Where {
  const op = direction === "older" ? "lt" : "gt";
  return { OR: [{ [field]: { [op]: at } }, { [field]: at, id: { [op]: id } }] };
}

export async function keysetPage<Row extends { id: string }>(options: {
  field: string;
  timeOf: (row: Row) => Date;
  filter: Where;
  cursor?: Cursor;
  limit: number;
  find: (args: { where: Where; orderBy: OrderBy; take: number }) => Promise<Row[]>;
  count: (args: { where: Where }) => Promise<number>;
}): Promise<Page<Row>> {
  const { field, cursor, limit, filter } = options;
  const newer = cursor?.direction === "newer";
  const fetched = await options.find({
    where: cursor ? { AND: [filter, beyond(field, cursor.direction, cursor.at, cursor.id)] } : filter,
    orderBy: newer ? [{ [field]: "asc" }, { id: "asc" }] : [{ [field]: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const more = fetched.length > limit;
  const page = fetched.slice(0, limit);
  const rows = newer ? page.reverse() : page;
  if (rows.length === 0) return { rows, hasOlder: false, hasNewer: false };

  const exists = async (direction: "older" | "newer", row: Row) =>
    (await options.count({ where: { AND: [filter, beyond(field, direction, options.timeOf(row), row.id)] } })) > 0;
  return {
    rows,
    hasOlder: newer ? await exists("older", rows[rows.length - 1]) : more,
    hasNewer: newer ? more : cursor ? await exists("newer", rows[0]) : false,
  };
}

export class InvalidCursorError extends Error {
  readonly status = 400;
  constructor() {
    super("The page link is invalid or outdated: open the list again from the menu.");
  }
}

const cursorText = z.object({ at: z.coerce.date(), id: z.uuid() });

export function encodeCursor(at: Date | string, id: string): string {
  const time = typeof at === "string" ? at : at.toISOString();
  return Buffer.from(JSON.stringify({ at: time, id })).toString("base64url");
}

/** The cursor of `?older=` / `?newer=`, or undefined; a broken one is an InvalidCursorError. */
export function cursorFromParams(params: URLSearchParams): Cursor | undefined {
  const [direction, text] = params.get("older")
    ? (["older", params.get("older")!] as const)
    : params.get("newer")
      ? (["newer", params.get("newer")!] as const)
      : [undefined, undefined];
  if (!direction) return undefined;
  try {
    return { direction, ...cursorText.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8"))) };
  } catch {
    throw new InvalidCursorError();
  }
}

/** The opaque cursors a list page links to: older (next page) and newer (previous page). */
export function pageCursors<Row extends { id: string }>(page: Page<Row>, timeOf: (row: Row) => Date) {
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  return {
    olderCursor: page.hasOlder && last ? encodeCursor(timeOf(last), last.id) : null,
    newerCursor: page.hasNewer && first ? encodeCursor(timeOf(first), first.id) : null,
  };
}
