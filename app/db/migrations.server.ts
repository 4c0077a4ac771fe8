// Applies prisma/migrations/*/migration.sql in order and records them in
// `_prisma_migrations` exactly as Prisma Migrate does, so `prisma migrate deploy`
// run elsewhere sees the same history. We need our own step because Prisma's
// JS schema engine cannot run `migrate deploy` against PostgreSQL here.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

export const MIGRATIONS_DIR = path.resolve("prisma/migrations");

// Prisma Migrate's advisory lock key, so our deploy and Prisma's never interleave.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface DeployResult {
  applied: string[];
  alreadyApplied: string[];
  /** Applied in the database but absent from the folder (e.g. running an older release). */
  unknownInDatabase: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Prisma's checksum: SHA-256 of the migration file, hex. */
export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export async function readLocalMigrations(dir = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Migrations in the folder that this database has not applied yet. */
export async function pendingMigrations(connectionString: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const local = await readLocalMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!exists.rows[0].present) return local.map((m) => m.name);
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return local.map((m) => m.name).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

export async function deployMigrations(
  connectionString: string,
  dir = MIGRATIONS_DIR,
): Promise<DeployResult> {
  const local = await readLocalMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at
           FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      checkHistory(local, rows);

      const result: DeployResult = {
        applied: [],
        alreadyApplied: local.filter((m) => applied.has(m.name)).map((m) => m.name),
        unknownInDatabase: rows
          .map((row) => row.migration_name)
          .filter((name) => !local.some((m) => m.name === name)),
      };
      for (const migration of local) {
        if (applied.has(migration.name)) continue;
        await applyOne(client, migration);
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

function checkHistory(local: LocalMigration[], rows: AppliedRow[]): void {
  const failed = rows.filter((row) => row.finished_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `Migration ${failed.map((row) => `"${row.migration_name}"`).join(", ")} started but did not finish. ` +
        `Fix the database by hand, then mark it with \`npx prisma migrate resolve --rolled-back <name>\` ` +
        `(or delete its row in "_prisma_migrations") and run \`npm run setup\` again.`,
    );
  }
  for (const row of rows) {
    const file = local.find((m) => m.name === row.migration_name);
    if (file && file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration "${row.migration_name}" was changed after it was applied to this database ` +
          `(recorded checksum ${row.checksum.slice(0, 12)}…, file now ${file.checksum.slice(0, 12)}…). ` +
          `Applied migrations are history: restore the file and put the change in a new migration ` +
          `(\`npm run db:new-migration -- <name>\`).`,
      );
    }
  }
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  // One transaction per migration: a failing script leaves neither tables nor a history row.
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration "${migration.name}" failed and was rolled back: ${reason}`);
  }
}
