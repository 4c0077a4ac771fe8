// `npm start`: the production web server (run `npm run build` first; workers run
// separately with `npm run workers`). Needs DATABASE_URL and REDIS_URL.
import "dotenv/config";
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
  const http = await startHttpApp({ mode: "production", port: config.PORT });
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
} catch (error) {
  exitOnStartupError(error, logger);
}
