// `npm run setup`: generate the Prisma client, then apply pending migrations.
import "dotenv/config";
import { spawnSync } from "node:child_process";
import { applyMigrations } from "./lib/apply-migrations";

const generate = spawnSync("prisma", ["generate"], { stdio: "inherit" });
if (generate.status !== 0) process.exit(generate.status ?? 1);
await applyMigrations();
