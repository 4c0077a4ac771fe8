// Each test file's environment: the run's database and Redis prefix, and the
// Shopify test credentials from @shopify/shopify-api/test-helpers.
import { API_KEY, API_SECRET_KEY, APP_URL } from "@shopify/shopify-api/test-helpers";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: inject("databaseUrl"),
  DATABASE_POOL_SIZE: "4",
  REDIS_URL: inject("redisUrl"),
  QUEUE_PREFIX: inject("queuePrefix"),
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET_KEY,
  SHOPIFY_APP_URL: APP_URL,
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  // No unplanned network: Shopify calls go to a closed loopback port unless a test
  // starts the Shopify emulator and points this at it.
  SHOPIFY_API_ORIGIN: "http://127.0.0.1:9",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
});
