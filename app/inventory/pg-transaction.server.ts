// Inventory's hot paths run their SQL on the pg pool directly: an interactive Prisma
// transaction costs several times the round trips, and every millisecond a hot SKU's
// row stays locked is throughput lost. SQL here always names the shop.
import type pg from "pg";
import { pgPoolOf, type Database, type ShopDatabase } from "../db/prisma.server";

export type PgClient = pg.PoolClient;

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function withPgTransaction<T>(db: Database | ShopDatabase, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pgPoolOf(db).connect();
  try {
    // A hot SKU queues writers on its row; a stuck lock fails fast instead of piling up.
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
