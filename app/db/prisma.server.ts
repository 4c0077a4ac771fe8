// The process-wide Prisma client, on the pg driver adapter (no query engine binary),
// with the tenancy guard applied: merchant models need forShop() or a system context.
// Kept on globalThis so the Vite dev server's module graph and the workers' graph
// share one pool: the embedded database accepts exactly one connection.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { ConfigError, getConfig } from "../config/env.server";
import { shopScope, tenancyGuard } from "../security/tenancy";

function guarded(client: PrismaClient) {
  return client.$extends(tenancyGuard);
}

/** The app's database client: global models freely, merchant models only when shop-scoped. */
export type Database = ReturnType<typeof guarded>;

/** A client that sees one shop's merchant data and stamps that shop on what it creates. */
export type ShopDatabase = ReturnType<typeof scopedTo>;

// Prisma runs query extensions in the order they were added: the scope fills in
// the shop first, then the guard checks that every query carries one.
function scopedTo(raw: PrismaClient, shopId: string) {
  return raw.$extends(shopScope(shopId)).$extends(tenancyGuard);
}

interface Clients {
  raw: PrismaClient;
  guarded: Database;
  pool: pg.Pool;
}

const globalForPrisma = globalThis as unknown as { __rappitPrisma?: Clients; __rappitClientsOf?: WeakMap<object, Clients> };

// What each app client wraps, so forShop() and pgPoolOf() work for any client made here,
// including from the other module graph (Vite's) that shares the global client.
const clientsOf = (globalForPrisma.__rappitClientsOf ??= new WeakMap<object, Clients>());

function createClients(connectionString: string, poolSize: number): Clients {
  // One pg pool per process, shared by Prisma and the few hot paths that skip
  // Prisma's query compiler (see pgPoolOf).
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle connection the server drops (restart, failover) must not crash the process;
  // the pool replaces it on the next query.
  pool.on("error", () => undefined);
  // $disconnect() ends the pool too.
  const raw = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  const made: Clients = { raw, guarded: guarded(raw), pool };
  clientsOf.set(made.guarded, made);
  return made;
}

function clientsBehind(db: Database | ShopDatabase): Clients {
  const made = clientsOf.get(db);
  if (!made) throw new Error("this client was not made by getPrisma() or createPrismaClient()");
  return made;
}

/**
 * The pg pool behind an app client, for hot paths where Prisma's per-query cost
 * matters (webhook recording). SQL run here must carry its own shop filter.
 */
export function pgPoolOf(db: Database | ShopDatabase): pg.Pool {
  return clientsBehind(db).pool;
}

export function createPrismaClient(connectionString: string, poolSize: number): Database {
  return createClients(connectionString, poolSize).guarded;
}

function clients(): Clients {
  if (!globalForPrisma.__rappitPrisma) {
    const config = getConfig();
    if (!config.DATABASE_URL) {
      throw new ConfigError([
        "DATABASE_URL is missing: this command needs a PostgreSQL server. Set DATABASE_URL, or use `npm run demo`, which runs the embedded database",
      ]);
    }
    globalForPrisma.__rappitPrisma = createClients(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  }
  return globalForPrisma.__rappitPrisma;
}

/** The shared client. DATABASE_URL must be set (local commands set it for the embedded database). */
export function getPrisma(): Database {
  return clients().guarded;
}

/** Merchant data of one shop. `shopId` is the Shop row's id, never a domain from a request. */
export function forShop(shopId: string, db: Database | ShopDatabase = getPrisma()): ShopDatabase {
  const made = clientsBehind(db);
  const scoped = scopedTo(made.raw, shopId);
  clientsOf.set(scoped, made); // so pgPoolOf() works on shop clients too
  return scoped;
}

export async function disconnectPrisma(): Promise<void> {
  const current = globalForPrisma.__rappitPrisma;
  globalForPrisma.__rappitPrisma = undefined;
  await current?.raw.$disconnect();
}
