import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { EmbeddedDatabaseBusyError, startEmbeddedPostgres } from "~/db/embedded-postgres.server";
import { deployMigrations } from "~/db/migrations.server";
import { createPrismaClient } from "~/db/prisma.server";
import { RedisUnavailableError, startLocalRedis } from "~/jobs/local-redis.server";
import { recordInstall, findShop } from "~/shops/shop-service.server";

describe("embedded PostgreSQL", () => {
  it("runs the migrations and the app's Prisma client on one connection, and keeps data across restarts", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rappit-embedded-"));
    const first = await startEmbeddedPostgres(dir);
    try {
      const result = await deployMigrations(first.url);
      expect(result.applied.length).toBeGreaterThan(0);
      const db = createPrismaClient(first.url, 1);
      await recordInstall(db, "embedded.myshopify.com", "read_orders");
      await db.$disconnect();
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres(dir);
    try {
      expect((await deployMigrations(second.url)).applied).toEqual([]);
      const db = createPrismaClient(second.url, 1);
      expect(await findShop(db, "embedded.myshopify.com")).toMatchObject({ scopes: ["read_orders"] });
      await db.$disconnect();
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("refuses a data folder another live process is using", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rappit-embedded-"));
    const other = spawn("sleep", ["30"]);
    try {
      await writeFile(path.join(dir, "pglite.pid"), String(other.pid));
      const attempt = startEmbeddedPostgres(dir);
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
      await expect(attempt).rejects.toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill();
    }
  });
});

describe("private redis-server", () => {
  it("starts on a free port, answers, and stops", async () => {
    const local = await startLocalRedis();
    const client = new Redis(local.url);
    try {
      expect(await client.ping()).toBe("PONG");
      expect(await client.config("GET", "save")).toEqual(["save", ""]);
    } finally {
      client.disconnect();
      await local.stop();
    }
    const after = new Redis(local.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    after.on("error", () => undefined);
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it("says how to install Redis or set REDIS_URL when redis-server is missing", async () => {
    const attempt = startLocalRedis("redis-server-that-does-not-exist");
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server.*or set REDIS_URL/s);
  });
});
