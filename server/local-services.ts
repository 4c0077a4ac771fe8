// Local commands need no database server and no Redis setup: with DATABASE_URL
// unset they use the embedded PostgreSQL in DATA_DIR, and with REDIS_URL unset
// a private redis-server. What they start is written back to process.env, so
// the rest of the process reads one configuration.
import { parseConfigSubset } from "../app/config/env.server";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../app/db/embedded-postgres.server";
import { startLocalRedis, type LocalRedis } from "../app/jobs/local-redis.server";

export interface LocalServices {
  embeddedDatabase: boolean;
  privateRedis: boolean;
  stop(): Promise<void>;
}

export async function startLocalServices(needs: { database: boolean; redis: boolean }): Promise<LocalServices> {
  const settings = parseConfigSubset(process.env, ["DATABASE_URL", "REDIS_URL", "DATA_DIR"]);
  let database: EmbeddedPostgres | undefined;
  let redis: LocalRedis | undefined;
  try {
    if (needs.database && !settings.DATABASE_URL) {
      database = await startEmbeddedPostgres(settings.DATA_DIR);
      process.env.DATABASE_URL = database.url;
      process.env.DATABASE_POOL_SIZE = "1"; // PGlite is one session
    }
    if (needs.redis && !settings.REDIS_URL) {
      redis = await startLocalRedis();
      process.env.REDIS_URL = redis.url;
    }
  } catch (error) {
    await database?.stop();
    throw error;
  }
  return {
    embeddedDatabase: Boolean(database),
    privateRedis: Boolean(redis),
    async stop() {
      await redis?.stop();
      await database?.stop();
    },
  };
}
