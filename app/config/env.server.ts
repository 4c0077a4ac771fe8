// The one place that reads process.env. Everything else asks for `getConfig()`.
// Start-up fails fast with every missing or invalid variable named and explained.
import { z } from "zod";
import { QUEUE_NAMES } from "../jobs/queue-names";
import { InvalidKeyError, parseKey } from "../security/encryption";

const booleanFlag = z
  .enum(["0", "1", "true", "false"])
  .transform((value) => value === "1" || value === "true");

/** Per-queue retry policy, e.g. {"fulfillment":{"attempts":5,"backoffMs":10000},"sync":{"backoff":"fixed"}}. */
const queueRetrySchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(
    z.partialRecord(
      z.enum(QUEUE_NAMES),
      z.strictObject({
        attempts: z.number().int().min(1).max(100).optional(),
        backoff: z.enum(["exponential", "fixed"]).optional(),
        backoffMs: z.number().int().min(0).max(24 * 3600 * 1000).optional(),
      }),
    ),
  );

export const DEFAULT_SCOPES = [
  "read_orders",
  "write_orders",
  "read_fulfillments",
  "write_fulfillments",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_inventory",
  "write_inventory",
  "read_products",
  "read_locations",
  // The checkout web pixel: webPixelCreate/webPixelUpdate (issue 10).
  "write_pixels",
  "read_customer_events",
].join(",");

// Each entry: the validator and what the variable is for, so an error can say both.
const variables = {
  NODE_ENV: {
    schema: z.enum(["development", "test", "production"]).default("development"),
    purpose: "runtime mode: development, test or production",
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    purpose: "port the web server listens on",
  },
  WEB_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(1),
    purpose: "web server processes for `npm start` (node:cluster); about one per CPU core",
  },
  SHOPIFY_API_KEY: {
    schema: z.string().min(1),
    purpose: "the app's client id from the Partner Dashboard (set by `shopify app dev`)",
  },
  SHOPIFY_API_SECRET: {
    schema: z.string().min(1),
    purpose: "the app's client secret; verifies webhook HMACs and session tokens",
  },
  SHOPIFY_APP_URL: {
    schema: z.url(),
    purpose: "public https URL of this app (set by `shopify app dev`)",
  },
  SCOPES: {
    schema: z.string().min(1).default(DEFAULT_SCOPES),
    purpose: "comma-separated Admin API scopes; must match shopify.app.toml",
  },
  SHOPIFY_API_ORIGIN: {
    schema: z.url().optional(),
    purpose:
      "development and test only: origin of a Shopify emulator that receives every Admin API and token call; refused in production",
  },
  ENCRYPTION_KEY: {
    schema: z.string().min(1),
    purpose:
      "32-byte key (64 hex or 44 base64 characters) that encrypts secrets at rest; its own secret, never reused",
  },
  ENCRYPTION_KEYS_OLD: {
    schema: z.string().min(1).optional(),
    purpose: "comma-separated retired encryption keys, still able to decrypt until `npm run keys:rotate` has run",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
      .optional(),
    purpose:
      "PostgreSQL connection string; unset for local commands means the embedded database in DATA_DIR",
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(100).default(10),
    purpose: "connections per process to PostgreSQL (the embedded database always uses 1)",
  },
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
    purpose:
      "Redis for the job queues; unset for local commands means a private redis-server from PATH",
  },
  QUEUE_PREFIX: {
    schema: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only")
      .default("rappit"),
    purpose: "Redis key prefix of the job queues (separates environments sharing a Redis)",
  },
  QUEUE_RETRY: {
    schema: queueRetrySchema.optional(),
    purpose:
      `per-queue attempts and backoff as JSON, e.g. {"fulfillment":{"attempts":5,"backoffMs":10000}}; queues: ${QUEUE_NAMES.join(", ")}; default 3 attempts, exponential from 5000 ms`,
  },
  READYZ_REQUIRE_WORKERS: {
    schema: booleanFlag.default(false),
    purpose: "1 when separate worker processes are expected: /readyz then fails (naming workers) while no worker heartbeat is in Redis",
  },
  WORKER_SHUTDOWN_GRACE_MS: {
    schema: z.coerce.number().int().min(0).default(20_000),
    purpose: "how long a stopping worker waits for running jobs before returning them to the queue",
  },
  DATA_DIR: {
    schema: z.string().min(1).default(".data"),
    purpose: "folder for local state: the embedded database and demo credentials",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    purpose: "log level (pino)",
  },
  WOOCOMMERCE_ALLOW_INSECURE_STORES: {
    schema: booleanFlag.default(false),
    purpose:
      "development and test only: lets a WooCommerce store on http or a loopback/private address connect (the emulator); refused in production",
  },
  FEDEX_API_ORIGIN: {
    schema: z.url().optional(),
    purpose: "development and test only: origin of a FedEx emulator that replaces apis(-sandbox).fedex.com; refused in production",
  },
  DHL_API_ORIGIN: {
    schema: z.url().optional(),
    purpose: "development and test only: origin of a DHL eCommerce emulator that replaces api(-sandbox).dhlecs.com; refused in production",
  },
  CARRIER_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(15_000),
    purpose: "how long one carrier API call may take before it counts as a timeout (breaker, retries)",
  },
  CARRIER_BREAKER_COOLDOWN_MS: {
    schema: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    purpose: "how long a carrier's circuit stays open after 5 consecutive timeouts or 5xx before one call probes it",
  },
  FULFILLMENT_JOBS_PER_SHOP_PER_SECOND: {
    schema: z.coerce.number().int().min(1).max(1_000).default(5),
    purpose: "how many fulfillment jobs one shop may start per second, so a busy shop cannot starve the others",
  },
  SHOPIFY_APP_HANDLE: {
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and - only")
      .default("rappit"),
    purpose: "the app's handle in the Shopify admin (admin.shopify.com/store/<store>/apps/<handle>), for links into the embedded app",
  },
  APPROVAL_TOKEN_SECRET: {
    schema: z.string().refine((value) => Buffer.byteLength(value, "utf8") >= 32, "must be at least 32 bytes; generate one with `openssl rand -base64 32`").optional(),
    purpose:
      "signs the approval links emailed to admins (HS256, at least 32 bytes, its own secret); required in production. Outside production, when unset, a key is derived from ENCRYPTION_KEY",
  },
  APPROVAL_TOKEN_SECRET_OLD: {
    schema: z.string().refine((value) => Buffer.byteLength(value, "utf8") >= 32, "must be at least 32 bytes; generate one with `openssl rand -base64 32`").optional(),
    purpose: "the previous APPROVAL_TOKEN_SECRET after a rotation: links signed with it keep working until they expire",
  },
  APPROVAL_TOKEN_TTL_HOURS: {
    schema: z.coerce.number().int().min(1).max(168).default(24),
    purpose: "how long an emailed approval link works",
  },
  EMAIL_FROM: {
    schema: z.string().min(3).default("Rappit <rappit@localhost>"),
    purpose: "sender of approval and alert emails, e.g. \"Rappit <approvals@yourdomain.com>\" (a sender verified with your email provider); required in production",
  },
  SENDGRID_API_KEY: {
    schema: z.string().min(1).optional(),
    purpose: "SendGrid v3 API key: email goes through SendGrid when set, with SMTP_URL as the fallback",
  },
  SENDGRID_API_ORIGIN: {
    schema: z.url().optional(),
    purpose: "development and test only: origin of a SendGrid emulator that replaces https://api.sendgrid.com; refused in production",
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
    purpose: "SMTP server for email (smtps://user:pass@host:465): the default transport in development, the fallback when SendGrid fails",
  },
  WHATSAPP_TOKEN: {
    schema: z.string().min(1).optional(),
    purpose: "WhatsApp Cloud API access token (a system user token); buyers get WhatsApp templates only when this and WHATSAPP_PHONE_NUMBER_ID are set",
  },
  WHATSAPP_PHONE_NUMBER_ID: {
    schema: z.string().regex(/^\d+$/, "digits only").optional(),
    purpose: "the WhatsApp business phone number id messages are sent from",
  },
  WHATSAPP_APP_SECRET: {
    schema: z.string().min(1).optional(),
    purpose: "the Meta app secret: verifies X-Hub-Signature-256 on POST /webhooks/whatsapp",
  },
  WHATSAPP_VERIFY_TOKEN: {
    schema: z.string().min(8).optional(),
    purpose: "the verify token you entered in Meta's webhook settings: GET /webhooks/whatsapp answers the challenge only for it",
  },
  WHATSAPP_API_VERSION: {
    schema: z
      .string()
      .regex(/^v\d+\.\d+$/, "like v23.0")
      .default("v23.0"),
    purpose: "Graph API version of WhatsApp calls",
  },
  WHATSAPP_API_ORIGIN: {
    schema: z.url().optional(),
    purpose: "development and test only: origin of a WhatsApp Cloud API emulator that replaces https://graph.facebook.com; refused in production",
  },
  TRUST_PROXY: {
    schema: z.string().min(1).default("loopback"),
    purpose:
      "which proxies may name the client in X-Forwarded-For (Express `trust proxy`): \"loopback\", a hop count such as 1 behind one load balancer, or addresses/CIDRs",
  },
  METRICS_TOKEN: {
    schema: z.string().min(24, "at least 24 characters; generate one with `openssl rand -hex 32`").optional(),
    purpose:
      "bearer token Prometheus sends to GET /metrics (web) and to the workers' METRICS_PORT; required in production; unset elsewhere turns /metrics off",
  },
  METRICS_PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(9464),
    purpose: "port on which `npm run workers` serves its own GET /metrics (same METRICS_TOKEN); the web server serves /metrics on PORT",
  },
  APP_BRIDGE_URL: {
    schema: z.url().optional(),
    purpose:
      "development, test and demo only: the App Bridge stand-in of the local admin host (server/admin-host, e.g. http://127.0.0.1:4600/app-bridge.js) loaded instead of Shopify's CDN script; that host's origin may then frame the app; refused in production",
  },
  DEMO_MODE: {
    schema: booleanFlag.default(false),
    purpose: "set by `npm run demo`: local defaults, never in production",
  },
} as const;

type Variables = typeof variables;
export type AppConfig = { [K in keyof Variables]: z.output<Variables[K]["schema"]> };

const configSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([key, spec]) => [key, spec.schema])) as {
    [K in keyof Variables]: Variables[K]["schema"];
  },
);

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Rappit cannot start: the configuration is incomplete or invalid.\n${problems
        .map((line) => `  - ${line}`)
        .join("\n")}\nSee .env.example for every variable and what it is for.`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

// Secrets the encryption key must never equal (a reused secret leaks both).
const OTHER_SECRETS = ["SHOPIFY_API_SECRET", "APPROVAL_TOKEN_SECRET", "APPROVAL_TOKEN_SECRET_OLD", "SESSION_SECRET"];

/** Parses an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const config = parseWith(configSchema, env) as AppConfig;
  const problems = [...encryptionKeyProblems(config, env), ...approvalSecretProblems(config), ...productionProblems(config)];
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Validates only the named variables, for commands that need no more (e.g. `npm run setup`). */
export function parseConfigSubset<K extends keyof Variables>(
  env: Record<string, string | undefined>,
  keys: readonly K[],
): Pick<AppConfig, K> {
  const schema = z.object(Object.fromEntries(keys.map((key) => [key, variables[key].schema])));
  return parseWith(schema, env) as Pick<AppConfig, K>;
}

function parseWith(schema: z.ZodObject, env: Record<string, string | undefined>): unknown {
  // Empty strings count as unset, the way .env files are usually written.
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0]) as keyof Variables;
    const what = cleaned[key] === undefined ? "is missing" : `is invalid (${issue.message})`;
    return `${key} ${what}: ${variables[key].purpose}`;
  });
  throw new ConfigError(problems);
}

/** The approval token secret must be its own: never the app secret or the encryption key. */
function approvalSecretProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  for (const key of ["APPROVAL_TOKEN_SECRET", "APPROVAL_TOKEN_SECRET_OLD"] as const) {
    const value = config[key];
    if (!value) continue;
    if (value === config.SHOPIFY_API_SECRET) problems.push(`${key} is invalid (it equals SHOPIFY_API_SECRET; it must be its own secret)`);
  }
  if (config.APPROVAL_TOKEN_SECRET && config.APPROVAL_TOKEN_SECRET === config.APPROVAL_TOKEN_SECRET_OLD) {
    problems.push("APPROVAL_TOKEN_SECRET_OLD is invalid (it equals APPROVAL_TOKEN_SECRET: after a rotation the old secret is the previous one)");
  }
  return problems;
}

function encryptionKeyProblems(config: AppConfig, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  let current: Buffer | undefined;
  try {
    current = parseKey(config.ENCRYPTION_KEY, "ENCRYPTION_KEY").bytes;
  } catch (error) {
    if (!(error instanceof InvalidKeyError)) throw error;
    problems.push(`ENCRYPTION_KEY is invalid (${error.message})`);
  }
  for (const [index, text] of (config.ENCRYPTION_KEYS_OLD?.split(",") ?? []).entries()) {
    try {
      parseKey(text, `retired key #${index + 1}`);
    } catch (error) {
      if (!(error instanceof InvalidKeyError)) throw error;
      problems.push(`ENCRYPTION_KEYS_OLD is invalid (${error.message})`);
    }
  }
  for (const name of OTHER_SECRETS) {
    const other = env[name];
    if (!other) continue;
    const sameText = other.trim() === config.ENCRYPTION_KEY.trim();
    const sameBytes = current !== undefined && sameKeyBytes(other, current);
    if (sameText || sameBytes) {
      problems.push(`ENCRYPTION_KEY is invalid (it equals ${name}; the encryption key must be its own secret)`);
    }
  }
  return problems;
}

function sameKeyBytes(text: string, key: Buffer): boolean {
  try {
    return parseKey(text).bytes.equals(key);
  } catch {
    return false;
  }
}

// Secrets whose value must not be a placeholder, a test value or a trivial pattern in production.
const PRODUCTION_SECRETS = [
  "SHOPIFY_API_SECRET",
  "ENCRYPTION_KEY",
  "APPROVAL_TOKEN_SECRET",
  "METRICS_TOKEN",
  "SENDGRID_API_KEY",
  "WHATSAPP_TOKEN",
  "WHATSAPP_APP_SECRET",
  "WHATSAPP_VERIFY_TOKEN",
] as const;

// Compared with the value lower-cased and stripped to letters and digits. Includes the
// Shopify library's test secret ("testApiSecretKey"), which test set-ups copy around.
const PLACEHOLDER_SECRETS = new Set(["changeme", "secret", "password", "test", "testsecret", "testapisecretkey", "default", "demo", "dummy", "example", "placeholder", "replaceme", "todo", "xxx"]);
const PLACEHOLDER_WORDS = ["changeme", "replaceme", "placeholder", "example", "dummy", "notasecret", "yoursecret", "yourkey", "yourtoken"];

/** Why a secret looks like a default or example value, or undefined when it does not. */
export function exampleSecretReason(value: string): string | undefined {
  const squashed = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (PLACEHOLDER_SECRETS.has(squashed)) return "a placeholder value";
  const word = PLACEHOLDER_WORDS.find((candidate) => squashed.includes(candidate));
  if (word) return `it contains "${word}"`;
  // "aaaa…", "0000…", "abab…": the shapes of hand-typed test keys.
  if (/^(.{1,4})\1+$/s.test(value.replace(/=+$/, ""))) return "a repeated pattern";
  return undefined;
}

function exampleSecretProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  for (const key of PRODUCTION_SECRETS) {
    const value = config[key];
    if (!value) continue;
    let reason = exampleSecretReason(value);
    if (!reason && key === "ENCRYPTION_KEY") {
      try {
        const bytes = parseKey(value).bytes;
        if (bytes.every((byte) => byte === bytes[0])) reason = "every byte of the key is the same";
      } catch {
        // Malformed keys are reported by encryptionKeyProblems.
      }
    }
    if (reason) problems.push(`${key} looks like a default or example secret (${reason}): generate a real one, e.g. \`openssl rand -base64 32\``);
  }
  return problems;
}

function productionProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== "production") return [];
  const problems: string[] = [...exampleSecretProblems(config)];
  if (!config.DATABASE_URL) problems.push(`DATABASE_URL is missing: ${variables.DATABASE_URL.purpose}`);
  if (!config.REDIS_URL) problems.push(`REDIS_URL is missing: ${variables.REDIS_URL.purpose}`);
  if (config.DEMO_MODE) problems.push("DEMO_MODE is set: demo defaults are refused in production");
  if (config.APP_BRIDGE_URL) {
    problems.push("APP_BRIDGE_URL is set: the local App Bridge stand-in and admin host are refused in production");
  }
  if (config.SHOPIFY_API_ORIGIN) {
    problems.push("SHOPIFY_API_ORIGIN is set: routing Shopify calls to an emulator is refused in production");
  }
  for (const key of ["FEDEX_API_ORIGIN", "DHL_API_ORIGIN"] as const) {
    if (config[key]) problems.push(`${key} is set: routing carrier calls to an emulator is refused in production`);
  }
  if (config.WOOCOMMERCE_ALLOW_INSECURE_STORES) {
    problems.push("WOOCOMMERCE_ALLOW_INSECURE_STORES is set: http and private-address stores are refused in production");
  }
  for (const key of ["SENDGRID_API_ORIGIN", "WHATSAPP_API_ORIGIN"] as const) {
    if (config[key]) problems.push(`${key} is set: routing messages to an emulator is refused in production`);
  }
  if (!config.APPROVAL_TOKEN_SECRET) problems.push(`APPROVAL_TOKEN_SECRET is missing: ${variables.APPROVAL_TOKEN_SECRET.purpose}`);
  if (!config.SENDGRID_API_KEY && !config.SMTP_URL) {
    problems.push("SENDGRID_API_KEY or SMTP_URL is missing: approval emails need a way out (SendGrid, SMTP, or both)");
  }
  if (config.EMAIL_FROM === variables.EMAIL_FROM.schema.parse(undefined)) {
    problems.push(`EMAIL_FROM is missing: ${variables.EMAIL_FROM.purpose}`);
  }
  if (!config.SHOPIFY_APP_URL.startsWith("https://")) {
    problems.push("SHOPIFY_APP_URL must be https in production");
  }
  if (!config.METRICS_TOKEN) problems.push(`METRICS_TOKEN is missing: ${variables.METRICS_TOKEN.purpose}`);
  return problems;
}

let cached: AppConfig | undefined;

/** The validated configuration of this process, parsed once. */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * `npm start` and `npm run workers` run as separate processes, so they need a
 * shared PostgreSQL and Redis: the embedded defaults are for `npm run demo`.
 */
export function requireSharedServices(config: AppConfig, command: string): void {
  const missing = (["DATABASE_URL", "REDIS_URL"] as const).filter((key) => !config[key]);
  if (missing.length === 0) return;
  throw new ConfigError(
    missing.map(
      (key) =>
        `${key} is missing: \`${command}\` runs as its own process and needs a shared server. ` +
        "Set it, or use `npm run demo` to run web and workers together on the embedded defaults",
    ),
  );
}

export function scopesOf(config: AppConfig): string[] {
  return config.SCOPES.split(",").map((scope) => scope.trim()).filter(Boolean);
}

export function describeVariables(): Array<{ name: string; purpose: string }> {
  return Object.entries(variables).map(([name, spec]) => ({ name, purpose: spec.purpose }));
}
