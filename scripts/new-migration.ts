// `npm run db:new-migration -- <name>`: writes the SQL that takes the schema as
// last committed (git HEAD) to prisma/schema.prisma now, as a new migration
// folder. Prisma's engine-free mode cannot diff against a database, so the diff
// is schema to schema; test/integration/schema-drift.test.ts catches a schema
// change that has no migration. Review the SQL, add what Prisma cannot express
// (CHECK constraints, partial indexes), then run `npm run db:migrate`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}

const committed = spawnSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
const from: string[] = ["--from-empty"];
if (committed.status === 0) {
  const previous = path.join(mkdtempSync(path.join(os.tmpdir(), "rappit-schema-")), "schema.prisma");
  writeFileSync(previous, committed.stdout);
  from.splice(0, 1, "--from-schema-datamodel", previous);
}

const diff = spawnSync(
  "prisma",
  ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8" },
);
if (diff.status !== 0) {
  console.error(diff.stderr);
  process.exit(1);
}
const sql = diff.stdout.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
if (!sql.trim() || sql.includes("This is an empty migration")) {
  console.log("prisma/schema.prisma matches the committed schema: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql`);
