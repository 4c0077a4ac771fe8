import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, describeVariables, parseConfig, parseConfigSubset } from "~/config/env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://rappit.example.com",
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
    expect(names).toEqual(["PORT", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]);
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
    });
    expect(problems.join("\n")).toMatch(/DATABASE_URL is missing/);
    expect(problems.join("\n")).toMatch(/REDIS_URL is missing/);
    expect(problems.join("\n")).toMatch(/DEMO_MODE is set/);
    expect(problems.join("\n")).toMatch(/SHOPIFY_APP_URL must be https/);
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
