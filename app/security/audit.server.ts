// The audit trail: who did what to which record, when, with before and after.
// One small API writes it, always through a shop-scoped client; snapshots pass
// through redactSecrets so no secret lands in the table.
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { AUDIT_ACTIONS, type AuditAction } from "./audit-actions";
import { redactSecrets } from "./redaction";

export { AUDIT_ACTIONS, type AuditAction };

export type Actor =
  | { type: "USER"; id?: string; email?: string }
  | { type: "SYSTEM"; id?: string }
  | { type: "WORKER"; id?: string };

export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  subject?: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

export interface AuditRecord {
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  subjectType: string | null;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: Date;
}

const entrySchema = z.object({
  action: z.enum(AUDIT_ACTIONS),
  actor: z.object({ type: z.enum(["USER", "SYSTEM", "WORKER"]), id: z.string().optional(), email: z.string().optional() }),
});

function snapshot(value: unknown) {
  // JSON round trip: dates become strings and class instances plain data, as stored.
  return value === undefined ? undefined : JSON.parse(JSON.stringify(redactSecrets(value)));
}

/** Appends one audit row for the shop the client is scoped to. */
/** Any shop-scoped client, a transaction's included. */
export type AuditWriter = Pick<ShopDatabase, "auditLog" | "$shopId">;

export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<AuditRecord> {
  entrySchema.parse(entry);
  return db.auditLog.create({
    data: {
      shopId: db.$shopId(),
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      actorEmail: entry.actor.type === "USER" ? (entry.actor.email ?? null) : null,
      action: entry.action,
      subjectType: entry.subject?.type ?? null,
      subjectId: entry.subject?.id ?? null,
      before: snapshot(entry.before),
      after: snapshot(entry.after),
      requestId: entry.requestId ?? null,
    },
    omit: { shopId: true },
  });
}

export interface AuditPageQuery {
  action?: AuditAction;
  /** Rows older than this cursor (next page) or newer (previous page). */
  cursor?: { direction: "older" | "newer"; createdAt: Date; id: string };
  limit: number;
}

export interface AuditPage {
  rows: AuditRecord[];
  hasOlder: boolean;
  hasNewer: boolean;
}

/** Newest first, keyset-paginated so new rows never shift a page. */
export async function listAudit(db: ShopDatabase, query: AuditPageQuery): Promise<AuditPage> {
  const base = query.action ? { action: query.action } : {};
  const { cursor } = query;
  const beyond = (direction: "older" | "newer", at: { createdAt: Date; id: string }) =>
    direction === "older"
      ? { OR: [{ createdAt: { lt: at.createdAt } }, { createdAt: at.createdAt, id: { lt: at.id } }] }
      : { OR: [{ createdAt: { gt: at.createdAt } }, { createdAt: at.createdAt, id: { gt: at.id } }] };

  const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];
  const oldestFirst = [{ createdAt: "asc" as const }, { id: "asc" as const }];
  const fetched = await db.auditLog.findMany({
    where: cursor ? { ...base, ...beyond(cursor.direction, cursor) } : base,
    orderBy: cursor?.direction === "newer" ? oldestFirst : newestFirst,
    take: query.limit + 1,
    omit: { shopId: true },
  });
  const more = fetched.length > query.limit;
  const page = fetched.slice(0, query.limit);
  const rows = cursor?.direction === "newer" ? page.reverse() : page;
  if (rows.length === 0) return { rows, hasOlder: false, hasNewer: false };

  const exists = async (direction: "older" | "newer", at: AuditRecord) =>
    (await db.auditLog.count({ where: { ...base, ...beyond(direction, at) }, take: 1 })) > 0;
  return {
    rows,
    hasOlder: cursor?.direction === "newer" ? await exists("older", rows[rows.length - 1]) : more,
    hasNewer: cursor?.direction === "newer" ? more : cursor ? await exists("newer", rows[0]) : false,
  };
}
