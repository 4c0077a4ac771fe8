import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CarrierAuth } from "~/carriers/core/auth";
import { CarrierAuthError, NeedsReauthError, callWithToken } from "~/carriers/core/authorized-call.server";
import { TokenService } from "~/carriers/core/token-service.server";
import { startTokenServer, type TokenServer } from "../fixtures/carrier-token-server";

let redis: Redis;
let server: TokenServer;
let tokens: TokenService;

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL!);
  server = await startTokenServer();
  tokens = new TokenService({ redis, keyPrefix: `${process.env.QUEUE_PREFIX}:carrier-${randomBytes(4).toString("hex")}`, logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await tokens.close();
  await server.close();
  redis.disconnect();
});

function fresh() {
  server.requests.length = 0;
  server.reply = (n) => ({ body: { access_token: `tok-${n}`, expires_in: 3599 } });
  const account = { id: `acct-${randomBytes(3).toString("hex")}`, provider: "fedex" };
  const auth: CarrierAuth = { kind: "client_credentials", tokenUrl: server.url, clientId: "fedex-key", clientSecret: "fedex-secret" };
  return { account, auth };
}

describe("callWithToken", () => {
  it("on a 401, drops the token, fetches one new token and retries the call once", async () => {
    const { account, auth } = fresh();
    const seen: string[] = [];
    const result = await callWithToken(tokens, account, auth, async (authorization) => {
      seen.push(authorization);
      if (authorization === "Bearer tok-1") throw new CarrierAuthError("Access token expired. Please modify your request and try again.");
      return "label";
    });
    expect(result).toBe("label");
    expect(seen).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(server.count).toBe(2);
    // The new token is the cached one now.
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-2");
  });

  it("turns a second 401 in a row into NeedsReauthError, not retryable", async () => {
    const { account, auth } = fresh();
    let calls = 0;
    const error = await callWithToken(tokens, account, auth, async () => {
      calls += 1;
      throw new CarrierAuthError("We could not authorize your credentials.");
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeedsReauthError);
    expect(error).toMatchObject({ retryable: false, accountId: account.id, message: "We could not authorize your credentials." });
    expect(calls).toBe(2);
    expect(server.count).toBe(2);
  });

  it("turns credentials refused at the token endpoint into NeedsReauthError without calling", async () => {
    const { account, auth } = fresh();
    server.reply = () => ({ status: 401, body: { errors: [{ code: "NOT.AUTHORIZED.ERROR", message: "The given client credentials were not valid. Please modify your request and try again." }] } });
    let calls = 0;
    const error = await callWithToken(tokens, account, auth, async () => {
      calls += 1;
      return "never";
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeedsReauthError);
    expect((error as NeedsReauthError).message).toBe("The given client credentials were not valid. Please modify your request and try again.");
    expect(calls).toBe(0);
  });

  it("passes other errors through untouched, without a refresh", async () => {
    const { account, auth } = fresh();
    const failure = new Error("validation failed");
    await expect(callWithToken(tokens, account, auth, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(server.count).toBe(1);
  });

  it("fails Basic credentials at the first 401: there is no token to renew", async () => {
    const { account } = fresh();
    let calls = 0;
    const error = await callWithToken(tokens, account, { kind: "basic", username: "u", password: "p" }, async () => {
      calls += 1;
      throw new CarrierAuthError("Unauthorized");
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeedsReauthError);
    expect(calls).toBe(1);
    expect(server.count).toBe(0);
  });
});
