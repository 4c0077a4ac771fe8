// `npm run db:new-migration -- <name>`: writes the SQL that takes the database
// from the current migrations to prisma/schema.prisma, as a new migration folder.
// Review it, add what Prisma cannot express (CHECK constraints, partial indexes),
// then run `npm run db:migrate`.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}

const diff = spawnSync(
  "prisma",
  [
    "migrate", "diff",
    "--from-migrations", "prisma/migrations",
    "--to-schema-datamodel", "prisma/schema.prisma",
    "--shadow-database-url", process.env.SHADOW_DATABASE_URL ?? "",
    "--script",
  ],
  { encoding: "utf8" },
);
if (diff.status !== 0) {
  console.error(diff.stderr);
  console.error("prisma migrate diff failed. --from-migrations needs SHADOW_DATABASE_URL: an empty PostgreSQL database it may wipe.");
  process.exit(1);
}
const sql = diff.stdout.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
if (!sql.trim() || sql.includes("This is an empty migration")) {
  console.log("The schema matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql`);
