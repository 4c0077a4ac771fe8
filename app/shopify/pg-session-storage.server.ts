// Shopify session storage on the app's pg pool, over the Prisma `Session` model's
// table. Every authenticated request and every webhook loads a session, so this
// skips Prisma's per-query compiler (it was a fifth of the webhook route's CPU).
// Tokens arrive here already sealed by EncryptedSessionStorage.
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type pg from "pg";

interface SessionRow {
  id: string;
  shop: string;
  state: string;
  isOnline: boolean;
  scope: string | null;
  expires: Date | null;
  accessToken: string;
  userId: string | null; // int8 arrives as a string
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  accountOwner: boolean;
  locale: string | null;
  collaborator: boolean | null;
  emailVerified: boolean | null;
  refreshToken: string | null;
  refreshTokenExpires: Date | null;
}

const COLUMNS = [
  "id",
  "shop",
  "state",
  "isOnline",
  "scope",
  "expires",
  "accessToken",
  "userId",
  "firstName",
  "lastName",
  "email",
  "accountOwner",
  "locale",
  "collaborator",
  "emailVerified",
  "refreshToken",
  "refreshTokenExpires",
] as const satisfies readonly (keyof SessionRow)[];

// Prisma stores DateTime as UTC wall time in `timestamp` columns; converting in SQL
// keeps this storage right whatever the process's time zone is.
const TIMESTAMPS = new Set<string>(["expires", "refreshTokenExpires"]);
const SELECT = `SELECT ${COLUMNS.map((c) => (TIMESTAMPS.has(c) ? `("${c}" AT TIME ZONE 'UTC') AS "${c}"` : `"${c}"`)).join(", ")} FROM "Session"`;
const UPSERT =
  `INSERT INTO "Session" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
  `VALUES (${COLUMNS.map((c, i) => (TIMESTAMPS.has(c) ? `($${i + 1}::timestamptz AT TIME ZONE 'UTC')` : `$${i + 1}`)).join(", ")}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${COLUMNS.slice(1)
    .map((c) => `"${c}" = EXCLUDED."${c}"`)
    .join(", ")}`;

export function sessionToRow(session: Session): unknown[] {
  const user = session.onlineAccessInfo?.associated_user;
  const row: SessionRow = {
    id: session.id,
    shop: session.shop,
    state: session.state,
    isOnline: session.isOnline,
    scope: session.scope ?? null,
    expires: session.expires ?? null,
    accessToken: session.accessToken ?? "",
    userId: user?.id !== undefined ? String(user.id) : null,
    firstName: user?.first_name ?? null,
    lastName: user?.last_name ?? null,
    email: user?.email ?? null,
    accountOwner: user?.account_owner ?? false,
    locale: user?.locale ?? null,
    collaborator: user?.collaborator ?? false,
    emailVerified: user?.email_verified ?? false,
    refreshToken: session.refreshToken ?? null,
    refreshTokenExpires: session.refreshTokenExpires ?? null,
  };
  return COLUMNS.map((column) => {
    const value = row[column];
    return value instanceof Date ? value.toISOString() : value;
  });
}

export function rowToSession(row: SessionRow): Session {
  return new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: row.isOnline,
    scope: row.scope ?? undefined,
    expires: row.expires ?? undefined,
    accessToken: row.accessToken || undefined,
    refreshToken: row.refreshToken ?? undefined,
    refreshTokenExpires: row.refreshTokenExpires ?? undefined,
    onlineAccessInfo:
      row.userId === null
        ? undefined
        : {
            // Not columns of the table: derived from what is.
            expires_in: row.expires ? Math.max(0, Math.round((row.expires.getTime() - Date.now()) / 1000)) : 0,
            associated_user_scope: row.scope ?? "",
            associated_user: {
              id: Number(row.userId),
              first_name: row.firstName ?? undefined,
              last_name: row.lastName ?? undefined,
              email: row.email ?? undefined,
              account_owner: row.accountOwner,
              locale: row.locale ?? undefined,
              collaborator: row.collaborator ?? undefined,
              email_verified: row.emailVerified ?? undefined,
            },
          },
  });
}

export class PgSessionStorage implements SessionStorage {
  constructor(private readonly pool: pg.Pool) {}

  async storeSession(session: Session): Promise<boolean> {
    await this.pool.query(UPSERT, sessionToRow(session));
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    // Named: every authenticated request and webhook runs this one.
    const { rows } = await this.pool.query<SessionRow>({ name: "load-session", text: `${SELECT} WHERE id = $1`, values: [id] });
    return rows[0] ? rowToSession(rows[0]) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.pool.query(`DELETE FROM "Session" WHERE id = $1`, [id]);
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    await this.pool.query(`DELETE FROM "Session" WHERE id = ANY($1::text[])`, [ids]);
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    // Bounded like the library's own storages: a shop has a handful of sessions.
    const { rows } = await this.pool.query<SessionRow>(`${SELECT} WHERE shop = $1 ORDER BY id LIMIT 25`, [shop]);
    return rows.map(rowToSession);
  }
}
