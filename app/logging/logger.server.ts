// Structured JSON logs. One root logger; modules take a child with their name.
import { pino, type Logger } from "pino";

const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info");

export const logger: Logger = pino({
  level,
  base: { service: "rappit" },
  // Secrets never reach the log, wherever they sit in a logged object.
  redact: {
    paths: [
      "accessToken",
      "refreshToken",
      "*.accessToken",
      "*.refreshToken",
      "password",
      "*.password",
      "secret",
      "*.secret",
      "headers.authorization",
      "*.headers.authorization",
    ],
    censor: "[redacted]",
  },
});

export function loggerFor(component: string): Logger {
  return logger.child({ component });
}
