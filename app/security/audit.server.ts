// The audit trail: who did what to which record, when, with before and after.
// One small API writes it, always through a shop-scoped client; snapshots pass
// through redactSecrets so no secret lands in the table.
import { z } from "zod";
import { keysetPage, type Cursor, type Page } from "../db/keyset-pagination";
import type { ShopDatabase } from "../db/prisma.server";
import { currentRequestContext } from "../logging/request-context.server";
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

/** The entry's request id, else the one of the request or job in progress: audit rows and log lines match. */
function requestIdOf(entry: AuditEntry): string | null {
  return entry.requestId ?? currentRequestContext()?.requestId ?? null;
}

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
      requestId: requestIdOf(entry),
    },
    omit: { shopId: true },
  });
}

/** The slice of a pg client the SQL form needs (app/inventory runs its transactions on pg directly). */
export interface SqlRunner {
  query(query: { text: string; values: unknown[] }): Promise<unknown>;
}

/** The same row as recordAudit, written inside a transaction that runs on the pg pool. */
export async function recordAuditSql(client: SqlRunner, shopId: string, entry: AuditEntry): Promise<void> {
  entrySchema.parse(entry);
  await client.query({
    text: `INSERT INTO "AuditLog" (id, "shopId", "actorType", "actorId", "actorEmail", action, "subjectType", "subjectId", before, after, "requestId")
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)`,
    values: [
      shopId,
      entry.actor.type,
      entry.actor.id ?? null,
      entry.actor.type === "USER" ? (entry.actor.email ?? null) : null,
      entry.action,
      entry.subject?.type ?? null,
      entry.subject?.id ?? null,
      entry.before === undefined ? null : JSON.stringify(snapshot(entry.before)),
      entry.after === undefined ? null : JSON.stringify(snapshot(entry.after)),
      requestIdOf(entry),
    ],
  });
}

export interface AuditPageQuery {
  action?: AuditAction;
  /** Rows older than this cursor (next page) or newer (previous page). */
  cursor?: Cursor;
  limit: number;
}

export type AuditPage = Page<AuditRecord>;

/** Newest first, keyset-paginated so new rows never shift a page. */
export function listAudit(db: ShopDatabase, query: AuditPageQuery): Promise<AuditPage> {
  return keysetPage<AuditRecord>({
    field: "createdAt",
    timeOf: (row) => row.createdAt,
    filter: query.action ? { action: query.action } : {},
    cursor: query.cursor,
    limit: query.limit,
    find: (args) => db.auditLog.findMany({ ...args, omit: { shopId: true } }),
    count: (args) => db.auditLog.count(args),
  });
}
