// One database and one Redis key prefix per test run: created and migrated once
// here, dropped at the end, so runs never see each other's data.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { deployMigrations } from "../../app/db/migrations.server";
import { TEST_REDIS_URL, createDatabase, dropDatabase } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const database = `rappit_test_${runId}`;
  const queuePrefix = `rappit-test-${runId}`;

  const url = await createDatabase(database);
  await deployMigrations(url);

  project.provide("databaseUrl", url);
  project.provide("redisUrl", TEST_REDIS_URL);
  project.provide("queuePrefix", queuePrefix);

  return async () => {
    await dropDatabase(database);
    await deleteKeys(TEST_REDIS_URL, queuePrefix);
  };
}
