// Hot paths (inventory reservations, approval decisions) run their SQL on the pg pool
// directly: an interactive Prisma transaction costs several times the round trips, and
// every millisecond a row stays locked is throughput lost. Callers' SQL always names the shop.
import type pg from "pg";
import { pgPoolOf, type Database, type ShopDatabase } from "./prisma.server";

export type PgClient = pg.PoolClient;

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function withPgTransaction<T>(db: Database | ShopDatabase, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pgPoolOf(db).connect();
  try {
    // A hot row queues writers; a stuck lock fails the request instead of piling requests up.
    await client.query("BEGIN; SET LOCAL lock_timeout = '5s'");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Thrown inside withPgTransaction to roll back on purpose and hand a result out. */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super("rolled back");
    this.name = "Rollback";
  }
}
