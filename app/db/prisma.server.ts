// The process-wide Prisma client, on the pg driver adapter (no query engine binary).
// Kept on globalThis so the Vite dev server's module graph and the workers'
// graph share one pool: the embedded database accepts exactly one connection.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { ConfigError, getConfig } from "../config/env.server";

export type Database = PrismaClient;

const globalForPrisma = globalThis as unknown as { __rappitPrisma?: PrismaClient };

export function createPrismaClient(connectionString: string, poolSize: number): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: poolSize });
  return new PrismaClient({ adapter });
}

/** The shared client. DATABASE_URL must be set (local commands set it for the embedded database). */
export function getPrisma(): PrismaClient {
  if (!globalForPrisma.__rappitPrisma) {
    const config = getConfig();
    if (!config.DATABASE_URL) {
      throw new ConfigError([
        "DATABASE_URL is missing: this command needs a PostgreSQL server. Set DATABASE_URL, or use `npm run demo`, which runs the embedded database",
      ]);
    }
    globalForPrisma.__rappitPrisma = createPrismaClient(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  }
  return globalForPrisma.__rappitPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.__rappitPrisma;
  globalForPrisma.__rappitPrisma = undefined;
  await client?.$disconnect();
}
