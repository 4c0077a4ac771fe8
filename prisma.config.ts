// Prisma CLI configuration. The JS engine with the pg driver adapter lets
// `prisma generate` and `prisma migrate diff` run without downloaded engines.
import "dotenv/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The schema's `env("DATABASE_URL")` must resolve even for commands that never
// connect (generate, diff); without it the CLI falls back to downloading engines.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
