import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, writeFile, appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, MigrationError, deployMigrations, pendingMigrations, readLocalMigrations } from "~/db/migrations.server";
import { createDatabase, dropDatabase } from "../setup/services";

// Each test gets a database of its own: migration tests need a blank slate.
const created: string[] = [];
async function freshDatabase(): Promise<string> {
  const name = `rappit_mig_${randomBytes(4).toString("hex")}`;
  created.push(name);
  return createDatabase(name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "rappit-migrations-"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

afterAll(async () => {
  await Promise.all(created.map(dropDatabase));
});

describe("migration deploy", () => {
  it("creates every table on a fresh database and records each migration like Prisma", async () => {
    const url = await freshDatabase();
    const local = await readLocalMigrations();
    const result = await deployMigrations(url);
    expect(result.applied).toEqual(local.map((m) => m.name));

    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["Session", "Shop", "_prisma_migrations"]));

    const sessionColumns = await query<{ column_name: string }>(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'Session'",
    );
    expect(sessionColumns.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(["refreshToken", "refreshTokenExpires", "accessToken", "expires"]),
    );

    const history = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(history).toEqual(
      local.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished_at: expect.any(Date), applied_steps_count: 1 })),
    );
  });

  it("applies nothing the second time", async () => {
    const url = await freshDatabase();
    await deployMigrations(url);
    const again = await deployMigrations(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const rows = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "_prisma_migrations"`);
    expect(Number(rows[0].n)).toBe(again.alreadyApplied.length);
  });

  it("refuses a migration whose file changed after it was applied, and applies nothing", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await deployMigrations(url, dir);
    const [first] = await readLocalMigrations(dir);
    await appendFile(path.join(dir, first.name, "migration.sql"), "\n-- an innocent-looking edit\n");
    const later = path.join(dir, "29990101000000_later");
    await mkdir(later);
    await writeFile(path.join(later, "migration.sql"), 'CREATE TABLE "Later" (id INT);');

    await expect(deployMigrations(url, dir)).rejects.toThrow(MigrationError);
    await expect(deployMigrations(url, dir)).rejects.toThrow(
      new RegExp(`Migration "${first.name}" was changed after it was applied`),
    );
    const later_table = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Later'`);
    expect(later_table).toEqual([]);
  });

  it("rolls back a failing migration completely: no tables, no history row", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    const broken = path.join(dir, "29990101000000_broken");
    await mkdir(broken);
    await writeFile(
      path.join(broken, "migration.sql"),
      'CREATE TABLE "HalfDone" (id INT);\nALTER TABLE "NoSuchTable" ADD COLUMN x INT;',
    );

    await expect(deployMigrations(url, dir)).rejects.toThrow(/Migration "29990101000000_broken" failed and was rolled back/);
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfDone'`)).toEqual([]);
    expect(
      await query(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`),
    ).toEqual([]);
    // The migrations before it are in place, so fixing the file and rerunning continues from here.
    await writeFile(path.join(broken, "migration.sql"), 'CREATE TABLE "HalfDone" (id INT);');
    expect((await deployMigrations(url, dir)).applied).toEqual(["29990101000000_broken"]);
  });

  it("refuses to continue after a migration that started but never finished", async () => {
    const url = await freshDatabase();
    await deployMigrations(url);
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('00000000-0000-0000-0000-000000000001', 'x', '29990101000000_crashed')`,
    );
    await expect(deployMigrations(url)).rejects.toThrow(/"29990101000000_crashed" started but did not finish/);
  });
});

describe("pendingMigrations", () => {
  it("lists every migration for an empty database and none after deploy", async () => {
    const url = await freshDatabase();
    const local = (await readLocalMigrations()).map((m) => m.name);
    expect(await pendingMigrations(url)).toEqual(local);
    await deployMigrations(url);
    expect(await pendingMigrations(url)).toEqual([]);
  });
});
