// The activity page's query string: action filter and keyset cursor, validated.
import { z } from "zod";
import { cursorFromParams } from "../db/keyset-pagination";
import { AUDIT_ACTIONS } from "./audit-actions";
import type { AuditPageQuery } from "./audit.server";

export const ACTIVITY_PAGE_SIZE = 25;

export class InvalidActivityQueryError extends Error {
  readonly status = 400;
}

const actionSchema = z.enum(AUDIT_ACTIONS).optional();

/** Throws InvalidActivityQueryError or InvalidCursorError (both 400) with a message for the banner. */
export function parseActivityQuery(params: URLSearchParams): AuditPageQuery {
  const action = actionSchema.safeParse(params.get("action") ?? undefined);
  if (!action.success) {
    throw new InvalidActivityQueryError(`Unknown action filter. Choose one of: ${AUDIT_ACTIONS.join(", ")}.`);
  }
  return { action: action.data, cursor: cursorFromParams(params), limit: ACTIVITY_PAGE_SIZE };
}
