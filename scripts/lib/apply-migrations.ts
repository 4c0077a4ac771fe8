import { deployMigrations } from "../../app/db/migrations.server";
import { loggerFor } from "../../app/logging/logger.server";
import { exitOnStartupError } from "../../server/startup-errors";
import { startLocalServices } from "../../server/local-services";

export async function applyMigrations(): Promise<void> {
  const logger = loggerFor("migrate");
  const services = await startLocalServices({ database: true, redis: false }).catch((error: unknown) =>
    exitOnStartupError(error, logger),
  );
  try {
    const result = await deployMigrations(process.env.DATABASE_URL!);
    const where = services.embeddedDatabase ? "the embedded database" : "DATABASE_URL";
    console.log(
      result.applied.length === 0
        ? `Database is up to date on ${where} (${result.alreadyApplied.length} migrations applied earlier).`
        : `Applied ${result.applied.length} migration(s) on ${where}: ${result.applied.join(", ")}`,
    );
    if (result.unknownInDatabase.length > 0) {
      console.warn(
        `Note: the database has migrations this checkout does not know: ${result.unknownInDatabase.join(", ")}`,
      );
    }
  } catch (error) {
    await services.stop();
    exitOnStartupError(error, logger);
  }
  await services.stop();
}
