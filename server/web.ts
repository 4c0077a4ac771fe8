// `npm start`: the production web server (run `npm run build` first; workers run
// separately with `npm run workers`). Needs DATABASE_URL and REDIS_URL.
import "dotenv/config";
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { getConfig, requireSharedServices } from "../app/config/env.server";
import { disconnectPrisma } from "../app/db/prisma.server";
import { closeQueues } from "../app/jobs/queues.server";
import { closeProducerRedis } from "../app/jobs/redis.server";
import { loggerFor } from "../app/logging/logger.server";
import { startHttpApp } from "./http-app";
import { exitOnStartupError } from "./startup-errors";

const logger = loggerFor("web");

try {
  const config = getConfig();
  requireSharedServices(config, "npm start");
  if (!existsSync("build/server/index.js")) {
    process.stderr.write("\nNo production build found: run `npm run build` before `npm start`.\n\n");
    process.exit(1);
  }
  if (config.WEB_CONCURRENCY > 1 && cluster.isPrimary) {
    await runPrimary(config.WEB_CONCURRENCY);
  } else {
    await serve(config.PORT);
  }
} catch (error) {
  exitOnStartupError(error, logger);
}

/** WEB_CONCURRENCY > 1: one process per core sharing the port; signals reach every worker. */
async function runPrimary(count: number): Promise<void> {
  for (let i = 0; i < count; i++) cluster.fork();
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.once("SIGINT", () => stopAll("SIGINT"));
  process.once("SIGTERM", () => stopAll("SIGTERM"));
  cluster.on("exit", (worker, code) => {
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code }, "web worker died: starting another");
      cluster.fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) {
      process.exit(0);
    }
  });
}

async function serve(port: number): Promise<void> {
  const http = await startHttpApp({ mode: "production", port });
  logger.info({ url: http.url }, "web server listening");
  const stop = async () => {
    await http.close();
    await closeQueues();
    await closeProducerRedis();
    await disconnectPrisma();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
