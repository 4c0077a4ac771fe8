// `npm run keys:rotate [-- --batch-size 500] [--max-batches N]`
// Re-encrypts every encrypted column under ENCRYPTION_KEY. Rotation steps:
//   1. set ENCRYPTION_KEY to a new key and put the old one in ENCRYPTION_KEYS_OLD;
//   2. deploy (the app reads old values with the retired key, writes new ones with the new key);
//   3. run this command until it reports 0 left to rotate; 4. remove the old key.
import "dotenv/config";
import { parseArgs } from "node:util";
import { getConfig } from "../app/config/env.server";
import { pendingMigrations } from "../app/db/migrations.server";
import { disconnectPrisma, getPrisma } from "../app/db/prisma.server";
import { loggerFor } from "../app/logging/logger.server";
import { getCipher } from "../app/security/cipher.server";
import { rotateKeys } from "../app/security/key-rotation.server";
import { startLocalServices } from "../server/local-services";
import { exitOnStartupError } from "../server/startup-errors";

const logger = loggerFor("keys-rotate");
const { values } = parseArgs({
  options: { "batch-size": { type: "string", default: "500" }, "max-batches": { type: "string" } },
});
const batchSize = Number(values["batch-size"]);
const maxBatches = values["max-batches"] === undefined ? undefined : Number(values["max-batches"]);
if (!Number.isInteger(batchSize) || batchSize < 1 || (maxBatches !== undefined && (!Number.isInteger(maxBatches) || maxBatches < 1))) {
  console.error("usage: npm run keys:rotate -- [--batch-size N] [--max-batches N]  (positive integers)");
  process.exit(2);
}

const services = await startLocalServices({ database: true, redis: false }).catch((error: unknown) =>
  exitOnStartupError(error, logger),
);
try {
  const pending = await pendingMigrations(getConfig().DATABASE_URL!);
  if (pending.length > 0) {
    console.error(`The database is not up to date (${pending.length} migration(s) pending): run \`npm run setup\` first.`);
    process.exit(1);
  }
  const report = await rotateKeys({ db: getPrisma(), cipher: getCipher(), logger, batchSize, maxBatches });
  for (const column of report.columns) {
    console.log(`${column.table}.${column.column}: ${column.rotated} re-encrypted, ${column.failed} could not be decrypted`);
  }
  console.log(`Current key ${report.keyId}: ${report.rotated} value(s) re-encrypted in total.`);
  if (!report.complete) console.log("Stopped at --max-batches: run the command again to continue.");
  if (report.failed > 0) {
    console.error(
      `${report.failed} value(s) could not be decrypted with the configured keys and still use an old key ` +
        "(see the log for their rows). Add the key they were sealed with to ENCRYPTION_KEYS_OLD and run again.",
    );
    process.exitCode = 1;
  }
} catch (error) {
  await disconnectPrisma();
  await services.stop();
  exitOnStartupError(error, logger);
}
await disconnectPrisma();
await services.stop();
