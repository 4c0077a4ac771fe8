// `npm run doctor [-- --shop <domain>] [-- --json]`: connection and token health of every
// installed shop (or one), one line per check with OK / WARN / FAIL and the fix.
// Exit code: 0 when nothing failed, 1 when a check failed, 2 when the command was misused.
import "./lib/quiet-logs";
import "dotenv/config";
import { parseArgs } from "node:util";
import { getConfig, requireSharedServices } from "../app/config/env.server";
import { disconnectPrisma } from "../app/db/prisma.server";
import { DoctorShopNotFoundError, runDoctor } from "../app/doctor/run-doctor.server";
import { exitCodeOf, reportLines } from "../app/doctor/report";
import { closeProducerRedis } from "../app/jobs/redis.server";
import { loggerFor } from "../app/logging/logger.server";
import { exitOnStartupError } from "../server/startup-errors";

const USAGE = "Usage: npm run doctor [-- --shop <shop>.myshopify.com] [-- --json]";

let options: { shop?: string; json: boolean };
try {
  const { values } = parseArgs({ options: { shop: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", default: false } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  options = { shop: values.shop, json: values.json ?? false };
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}

let code = 0;
try {
  requireSharedServices(getConfig(), "npm run doctor");
  const reports = await runDoctor({ shop: options.shop });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: exitCodeOf(reports) === 0, reports }, null, 2)}\n`);
  } else if (reports.length === 0) {
    process.stdout.write("No installed shops.\n");
  } else {
    process.stdout.write(`${reportLines(reports).join("\n")}\n`);
  }
  code = exitCodeOf(reports);
} catch (error) {
  if (error instanceof DoctorShopNotFoundError) {
    process.stderr.write(`${error.message}\n`);
    code = 2;
  } else {
    exitOnStartupError(error, loggerFor("doctor"));
  }
}
await closeProducerRedis();
await disconnectPrisma();
process.exit(code);
