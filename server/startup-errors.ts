// Start-up failures a person can fix (configuration, missing Redis, busy
// database) print their message plainly; anything else is logged with its stack.
import type { Logger } from "pino";
import { ConfigError } from "../app/config/env.server";
import { EmbeddedDatabaseBusyError } from "../app/db/embedded-postgres.server";
import { MigrationError } from "../app/db/migrations.server";
import { RedisUnavailableError } from "../app/jobs/local-redis.server";

const actionable = [ConfigError, EmbeddedDatabaseBusyError, MigrationError, RedisUnavailableError];

export function exitOnStartupError(error: unknown, logger: Logger): never {
  if (actionable.some((type) => error instanceof type)) {
    process.stderr.write(`\n${(error as Error).message}\n\n`);
  } else {
    logger.fatal({ err: error }, "start-up failed");
  }
  process.exit(1);
}
