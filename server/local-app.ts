// Web server and workers in one process, for `npm run demo` and `shopify app dev`.
// One process because the embedded database serves a single connection.
import { getConfig } from "../app/config/env.server";
import { deployMigrations } from "../app/db/migrations.server";
import { disconnectPrisma } from "../app/db/prisma.server";
import { QUEUE_NAMES } from "../app/jobs/queue-names";
import { closeQueues } from "../app/jobs/queues.server";
import { ensureSchedules } from "../app/jobs/schedules.server";
import { closeProducerRedis, redisUrl } from "../app/jobs/redis.server";
import { startWorkers } from "../app/jobs/worker-runtime.server";
import { loggerFor } from "../app/logging/logger.server";
import { shopDomainOf } from "../app/shops/shop-domains.server";
import { startHttpApp } from "./http-app";
import { startLocalServices } from "./local-services";
import { exitOnStartupError } from "./startup-errors";

const logger = loggerFor("local-app");

export async function runLocalApp(): Promise<void> {
  let services: Awaited<ReturnType<typeof startLocalServices>> | undefined;
  try {
    services = await startLocalServices({ database: true, redis: true });
    const config = getConfig();
    const migrations = await deployMigrations(config.DATABASE_URL!);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, "migrations applied");

    // Loaded only now: the job handlers reach modules that connect to the database on import.
    const { jobHandlers } = await import("../app/jobs/job-handlers.server");
    await ensureSchedules();
    const http = await startHttpApp({ mode: "development", port: config.PORT });
    const workers = startWorkers({
      redisUrl: redisUrl(),
      prefix: config.QUEUE_PREFIX,
      handlers: jobHandlers,
      queues: QUEUE_NAMES,
      logger,
      shopDomainOf: (shopId) => shopDomainOf(shopId),
    });
    logger.info(
      {
        url: http.url,
        database: services.embeddedDatabase ? `embedded (${config.DATA_DIR})` : "DATABASE_URL",
        redis: services.privateRedis ? "private redis-server" : "REDIS_URL",
      },
      `Rappit is running at ${http.url}`,
    );

    const running = services;
    const stop = async (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping");
      await http.close();
      await workers.stop(config.WORKER_SHUTDOWN_GRACE_MS);
      await closeQueues();
      await closeProducerRedis();
      await disconnectPrisma();
      await running.stop();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (error) {
    await services?.stop().catch(() => undefined);
    exitOnStartupError(error, logger);
  }
}
