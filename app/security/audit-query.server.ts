// The activity page's query string: action filter and keyset cursor, validated.
import { z } from "zod";
import { AUDIT_ACTIONS } from "./audit-actions";
import type { AuditPageQuery } from "./audit.server";

export const ACTIVITY_PAGE_SIZE = 25;

const cursorSchema = z.object({ createdAt: z.coerce.date(), id: z.uuid() });

export function encodeCursor(row: { createdAt: Date | string; id: string }): string {
  const createdAt = typeof row.createdAt === "string" ? row.createdAt : row.createdAt.toISOString();
  return Buffer.from(JSON.stringify({ createdAt, id: row.id })).toString("base64url");
}

const querySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  older: z.string().optional(),
  newer: z.string().optional(),
});

export class InvalidActivityQueryError extends Error {
  readonly status = 400;
}

function decodeCursor(text: string) {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new InvalidActivityQueryError("The page link is invalid or outdated: open Activity again from the menu.");
  }
}

export function parseActivityQuery(params: URLSearchParams): AuditPageQuery {
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    throw new InvalidActivityQueryError(`Unknown action filter. Choose one of: ${AUDIT_ACTIONS.join(", ")}.`);
  }
  const { action, older, newer } = parsed.data;
  const cursor = older
    ? { direction: "older" as const, ...decodeCursor(older) }
    : newer
      ? { direction: "newer" as const, ...decodeCursor(newer) }
      : undefined;
  return { action, cursor, limit: ACTIVITY_PAGE_SIZE };
}
