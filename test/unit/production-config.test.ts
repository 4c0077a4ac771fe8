import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, exampleSecretReason, parseConfig } from "~/config/env.server";

const secret = () => randomBytes(32).toString("hex");

/** A complete production environment that start-up accepts. */
const production = (): Record<string, string> => ({
  NODE_ENV: "production",
  SHOPIFY_API_KEY: randomBytes(16).toString("hex"),
  SHOPIFY_API_SECRET: secret(),
  SHOPIFY_APP_URL: "https://rappit.example.com",
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  DATABASE_URL: "postgresql://rappit@db.internal:5432/rappit",
  REDIS_URL: "redis://redis.internal:6379",
  APPROVAL_TOKEN_SECRET: secret(),
  SMTP_URL: "smtps://mailer:pw@smtp.internal:465",
  EMAIL_FROM: "Rappit <approvals@rappit.example.com>",
  METRICS_TOKEN: secret(),
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe("production start-up settings", () => {
  it("accepts a complete production environment", () => {
    expect(problemsOf(production())).toEqual([]);
  });

  // Each development switch on its own, so none hides behind another.
  const switches: Array<[string, string, RegExp]> = [
    ["DEMO_MODE", "1", /^DEMO_MODE is set: demo defaults are refused in production$/],
    ["APP_BRIDGE_URL", "http://127.0.0.1:4600/app-bridge.js", /^APP_BRIDGE_URL is set: the local App Bridge stand-in and admin host are refused in production$/],
    ["SHOPIFY_API_ORIGIN", "http://127.0.0.1:4100", /^SHOPIFY_API_ORIGIN is set: routing Shopify calls to an emulator is refused/],
    ["FEDEX_API_ORIGIN", "http://127.0.0.1:4010", /^FEDEX_API_ORIGIN is set: routing carrier calls to an emulator is refused/],
    ["DHL_API_ORIGIN", "http://127.0.0.1:4011", /^DHL_API_ORIGIN is set: routing carrier calls to an emulator is refused/],
    ["SENDGRID_API_ORIGIN", "http://127.0.0.1:4020", /^SENDGRID_API_ORIGIN is set: routing messages to an emulator is refused/],
    ["WHATSAPP_API_ORIGIN", "http://127.0.0.1:4021", /^WHATSAPP_API_ORIGIN is set: routing messages to an emulator is refused/],
    ["WOOCOMMERCE_ALLOW_INSECURE_STORES", "true", /^WOOCOMMERCE_ALLOW_INSECURE_STORES is set: http and private-address stores are refused/],
    ["SHOPIFY_APP_URL", "http://rappit.example.com", /^SHOPIFY_APP_URL must be https in production$/],
  ];
  it.each(switches)("refuses %s=%s", (name, value, message) => {
    const problems = problemsOf({ ...production(), [name]: value });
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it("allows the same switches outside production", () => {
    const development = { ...production(), NODE_ENV: "development" };
    for (const [name, value] of switches) expect(problemsOf({ ...development, [name]: value })).toEqual([]);
  });

  it("requires METRICS_TOKEN in production, and a long one anywhere", () => {
    const { METRICS_TOKEN: _omitted, ...env } = production();
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^METRICS_TOKEN is missing: bearer token Prometheus sends/)]);
    expect(problemsOf({ ...production(), NODE_ENV: "development", METRICS_TOKEN: "short" })).toEqual([
      expect.stringMatching(/^METRICS_TOKEN is invalid \(at least 24 characters/),
    ]);
  });

  const examples: Array<[string, string]> = [
    ["SHOPIFY_API_SECRET", "testApiSecretKey"], // @shopify/shopify-api/test-helpers
    ["SHOPIFY_API_SECRET", "changeme"],
    ["APPROVAL_TOKEN_SECRET", "replace-me-with-a-32-byte-secret-value"],
    ["APPROVAL_TOKEN_SECRET", "x".repeat(40)],
    ["METRICS_TOKEN", "your-token-for-prometheus-here"],
    ["METRICS_TOKEN", "0123".repeat(8)],
    ["ENCRYPTION_KEY", "a".repeat(64)],
    ["ENCRYPTION_KEY", Buffer.alloc(32).toString("base64")],
    ["WHATSAPP_APP_SECRET", "example-app-secret"],
  ];
  it.each(examples)("refuses a default or example %s (%s)", (name, value) => {
    const problems = problemsOf({ ...production(), [name]: value });
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${name} looks like a default or example secret \\(`)));
  });

  it("tells placeholder secrets from real ones", () => {
    expect(exampleSecretReason("changeme")).toBe("a placeholder value");
    expect(exampleSecretReason("my-example-key")).toBe('it contains "example"');
    expect(exampleSecretReason("abababababababababab")).toBe("a repeated pattern");
    expect(exampleSecretReason(secret())).toBeUndefined();
    expect(exampleSecretReason(randomBytes(32).toString("base64"))).toBeUndefined();
  });

  // The real entry points: each prints the problem and exits 1 before serving anything.
  it.each([["server/web.ts"], ["workers/index.ts"]])("%s refuses to start in production with an emulator origin", (entry) => {
    const env = { ...production(), NODE_ENV: "production" as const, FEDEX_API_ORIGIN: "http://127.0.0.1:4010", PATH: process.env.PATH ?? "" };
    const result = spawnSync(process.execPath, ["--import", "tsx", entry], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Rappit cannot start");
    expect(result.stderr).toContain("FEDEX_API_ORIGIN is set: routing carrier calls to an emulator is refused in production");
  });
});
