// Structured JSON logs. One root logger; modules take a child with their name.
// Every line passes through redactSecrets: secret-named fields at any depth and
// token-shaped strings (in fields or in the message) never reach the output.
// Lines written during a request or a job carry its requestId and shop (see
// request-context.server.ts); fields passed to the call win over them.
import { pino, type DestinationStream, type Logger } from "pino";
import { redactSecrets, redactText } from "../security/redaction";
import { contextLogFields } from "./request-context.server";

// Empty counts as unset, as in the configuration (.env files often leave it blank).
const defaultLevel = process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "silent" : "info");

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? defaultLevel,
      base: { service: "rappit" },
      mixin: contextLogFields,
      formatters: {
        log: (object) => redactSecrets(object),
        bindings: (bindings) => redactSecrets(bindings),
      },
      hooks: {
        // Objects are redacted by formatters.log; message strings need their own pass.
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

export const logger: Logger = createLogger();

export function loggerFor(component: string): Logger {
  return logger.child({ component });
}
