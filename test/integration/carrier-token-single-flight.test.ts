import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "~/carriers/core/token-service.server";
import { startCallerProcess } from "../fixtures/carrier-token-processes";
import { startTokenServer, type TokenServer } from "../fixtures/carrier-token-server";

let redis: Redis;
let server: TokenServer;

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL!);
  // Slow enough that the other process's callers arrive while the fetch is running.
  server = await startTokenServer((n) => ({ delayMs: 300, body: { access_token: `tok-${n}`, token_type: "bearer", expires_in: 3599 } }));
});

afterAll(async () => {
  await server.close();
  redis.disconnect();
});

describe("token single flight across processes", () => {
  it("makes one token request for 1,000 concurrent callers in two processes, all served the same token", async () => {
    const keyPrefix = `${process.env.QUEUE_PREFIX}:carrier-${randomBytes(4).toString("hex")}`;
    const accountId = `acct-${randomBytes(3).toString("hex")}`;
    const other = await startCallerProcess({ redisUrl: process.env.REDIS_URL!, keyPrefix, accountId, tokenUrl: server.url, callers: 500 });
    const tokens = new TokenService({ redis, keyPrefix, logger: pino({ level: "silent" }) });
    const auth = { kind: "client_credentials" as const, tokenUrl: server.url, clientId: "bench-client-id", clientSecret: "bench-client-secret" };

    other.go();
    const here = await Promise.all(Array.from({ length: 500 }, () => tokens.authorization({ id: accountId, provider: "fedex" }, auth)));
    const there = await other.result;
    await tokens.close();

    expect(server.count).toBe(1);
    expect(new Set(here)).toEqual(new Set(["Bearer tok-1"]));
    expect(there).toMatchObject({ served: 500, distinct: ["Bearer tok-1"], errors: [] });
    // The other process started before the token existed: its callers waited on the
    // lock rather than finding a cached token.
    const tokenAnsweredAt = server.requests[0].at + 300;
    expect(there.startedAt).toBeLessThan(tokenAnsweredAt);
  });
});
