import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, describeVariables, parseConfig, parseConfigSubset } from "~/config/env.server";

const KEY_HEX = "a".repeat(64);
const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://rappit.example.com",
  ENCRYPTION_KEY: KEY_HEX,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected parseConfig to refuse this environment");
}

describe("configuration", () => {
  it("accepts a complete environment and applies defaults", () => {
    const config = parseConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.NODE_ENV).toBe("development");
    expect(config.SCOPES).toContain("write_merchant_managed_fulfillment_orders");
    expect(config.QUEUE_PREFIX).toBe("rappit");
  });

  it("stops with a message naming a missing required variable and what it is for", () => {
    const { SHOPIFY_API_SECRET: _omitted, ...env } = valid;
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SHOPIFY_API_SECRET is missing: .*webhook HMAC/);
  });

  it("lists every bad variable at once, missing and invalid", () => {
    const problems = problemsOf({ SHOPIFY_APP_URL: "not a url", PORT: "eighty" });
    const names = problems.map((line) => line.split(" ")[0]).sort();
    expect(names).toEqual(["ENCRYPTION_KEY", "PORT", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]);
    expect(problems.find((line) => line.startsWith("PORT"))).toContain("is invalid");
  });

  it("treats empty strings as unset", () => {
    expect(problemsOf({ ...valid, SHOPIFY_API_KEY: "" })[0]).toMatch(/^SHOPIFY_API_KEY is missing/);
  });

  it("refuses non-PostgreSQL and non-Redis URLs", () => {
    const problems = problemsOf({ ...valid, DATABASE_URL: "mysql://x", REDIS_URL: "http://x" });
    expect(problems.join("\n")).toMatch(/DATABASE_URL is invalid \(must be a postgresql:\/\/ connection string\)/);
    expect(problems.join("\n")).toMatch(/REDIS_URL is invalid/);
  });

  it("in production requires shared services and https, and refuses demo mode", () => {
    const problems = problemsOf({
      ...valid,
      NODE_ENV: "production",
      SHOPIFY_APP_URL: "http://rappit.example.com",
      DEMO_MODE: "1",
      SHOPIFY_API_ORIGIN: "http://127.0.0.1:4100",
    });
    expect(problems.join("\n")).toMatch(/DATABASE_URL is missing/);
    expect(problems.join("\n")).toMatch(/REDIS_URL is missing/);
    expect(problems.join("\n")).toMatch(/DEMO_MODE is set/);
    expect(problems.join("\n")).toMatch(/SHOPIFY_API_ORIGIN is set: routing Shopify calls to an emulator is refused/);
    expect(problems.join("\n")).toMatch(/SHOPIFY_APP_URL must be https/);
    expect(problems.join("\n")).toMatch(/APPROVAL_TOKEN_SECRET is missing/);
    expect(problems.join("\n")).toMatch(/SENDGRID_API_KEY or SMTP_URL is missing/);
    expect(problems.join("\n")).toMatch(/EMAIL_FROM is missing/);
  });

  it("refuses an approval token secret that is short or reuses another secret", () => {
    expect(problemsOf({ ...valid, APPROVAL_TOKEN_SECRET: "short" })[0]).toMatch(/^APPROVAL_TOKEN_SECRET is invalid \(must be at least 32 bytes/);
    expect(problemsOf({ ...valid, APPROVAL_TOKEN_SECRET: valid.SHOPIFY_API_SECRET.padEnd(32, "x"), SHOPIFY_API_SECRET: valid.SHOPIFY_API_SECRET.padEnd(32, "x") }).join("\n")).toMatch(
      /APPROVAL_TOKEN_SECRET is invalid \(it equals SHOPIFY_API_SECRET/,
    );
    const secret = "s".repeat(40);
    expect(problemsOf({ ...valid, APPROVAL_TOKEN_SECRET: secret, APPROVAL_TOKEN_SECRET_OLD: secret }).join("\n")).toMatch(/APPROVAL_TOKEN_SECRET_OLD is invalid/);
    expect(parseConfig({ ...valid, APPROVAL_TOKEN_SECRET: secret }).APPROVAL_TOKEN_SECRET).toBe(secret);
  });

  it("refuses an encryption key that is missing, of the wrong length, or malformed", () => {
    const { ENCRYPTION_KEY: _omitted, ...env } = valid;
    expect(problemsOf(env)[0]).toMatch(/^ENCRYPTION_KEY is missing: 32-byte key/);
    expect(problemsOf({ ...valid, ENCRYPTION_KEY: "ab".repeat(16) })[0]).toMatch(
      /^ENCRYPTION_KEY is invalid \(ENCRYPTION_KEY must be 32 bytes/,
    );
    expect(problemsOf({ ...valid, ENCRYPTION_KEY: Buffer.alloc(24, 1).toString("base64") })[0]).toMatch(
      /ENCRYPTION_KEY is invalid/,
    );
    expect(problemsOf({ ...valid, ENCRYPTION_KEYS_OLD: `${"b".repeat(64)},short` })[0]).toMatch(
      /^ENCRYPTION_KEYS_OLD is invalid \(retired key #2 must be 32 bytes/,
    );
  });

  it("accepts hex and base64 keys", () => {
    expect(() => parseConfig({ ...valid, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") })).not.toThrow();
    expect(() => parseConfig({ ...valid, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64url") })).not.toThrow();
  });

  it("refuses an encryption key that reuses another secret, in any encoding", () => {
    expect(problemsOf({ ...valid, SHOPIFY_API_SECRET: KEY_HEX })).toEqual([
      expect.stringMatching(/ENCRYPTION_KEY is invalid \(it equals SHOPIFY_API_SECRET/),
    ]);
    const asBase64 = Buffer.from(KEY_HEX, "hex").toString("base64");
    expect(problemsOf({ ...valid, APPROVAL_TOKEN_SECRET: asBase64 })).toEqual([
      expect.stringMatching(/it equals APPROVAL_TOKEN_SECRET/),
    ]);
  });

  it("validates a subset without requiring the rest", () => {
    expect(parseConfigSubset({}, ["DATA_DIR", "DATABASE_URL"])).toEqual({ DATA_DIR: ".data", DATABASE_URL: undefined });
    expect(() => parseConfigSubset({ DATABASE_URL: "nope" }, ["DATABASE_URL"])).toThrow(/DATABASE_URL is invalid/);
  });

  it("documents every variable in .env.example", () => {
    const example = readFileSync(".env.example", "utf8");
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const missing = describeVariables()
      .map((variable) => variable.name)
      .filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });
});
