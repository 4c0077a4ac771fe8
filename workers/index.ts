// `npm run workers`: one process consuming every queue. Wiring only: the jobs
// themselves live in app/<capability>/ and are listed in app/jobs/job-handlers.
import "dotenv/config";
import { getConfig, requireSharedServices } from "../app/config/env.server";
import { disconnectPrisma } from "../app/db/prisma.server";
import { jobHandlers } from "../app/jobs/job-handlers.server";
import { QUEUE_NAMES } from "../app/jobs/queue-names";
import { ensureSchedules } from "../app/jobs/schedules.server";
import { redisUrl } from "../app/jobs/redis.server";
import { runWorkersUntilSignal } from "../app/jobs/worker-runtime.server";
import { loggerFor } from "../app/logging/logger.server";
import { startMetricsServer } from "../app/metrics/metrics-server.server";
import { shopDomainOf } from "../app/shops/shop-domains.server";
import { exitOnStartupError } from "../server/startup-errors";

const logger = loggerFor("workers");

try {
  const config = getConfig();
  requireSharedServices(config, "npm run workers");
  await ensureSchedules();
  // Job, carrier and token series are recorded here, so Prometheus scrapes this process too.
  const metricsServer = config.METRICS_TOKEN ? await startMetricsServer({ port: config.METRICS_PORT, token: config.METRICS_TOKEN }) : undefined;
  if (metricsServer) logger.info({ port: config.METRICS_PORT }, "worker metrics on GET /metrics");
  await runWorkersUntilSignal({
    redisUrl: redisUrl(),
    prefix: config.QUEUE_PREFIX,
    handlers: jobHandlers,
    queues: QUEUE_NAMES,
    graceMs: config.WORKER_SHUTDOWN_GRACE_MS,
    logger,
    shopDomainOf: (shopId) => shopDomainOf(shopId),
  });
  await metricsServer?.close();
  await disconnectPrisma();
  process.exit(0);
} catch (error) {
  exitOnStartupError(error, logger);
}
