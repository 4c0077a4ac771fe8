// The Shopify libraries' own log lines, sent through our logger (JSON, redacted).
import { LogSeverity } from "@shopify/shopify-api";
import { loggerFor } from "../logging/logger.server";

const logger = loggerFor("shopify-api");
const method = {
  [LogSeverity.Error]: "error",
  [LogSeverity.Warning]: "warn",
  [LogSeverity.Info]: "info",
  [LogSeverity.Debug]: "debug",
} as const;

export const shopifyLibraryLogger = {
  level: LogSeverity.Debug, // our LOG_LEVEL decides what is written
  log: (severity: LogSeverity, message: string) => logger[method[severity]](message),
};
