import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { CarrierAuth } from "~/carriers/core/auth";
import { TokenRequestError, TokenService, type TokenEvent, type TokenServiceOptions } from "~/carriers/core/token-service.server";
import { startTokenServer, type TokenServer } from "../fixtures/carrier-token-server";

const silent = pino({ level: "silent" });
let redis: Redis;
let server: TokenServer;
const services: TokenService[] = [];

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL!);
  server = await startTokenServer();
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
});

afterAll(async () => {
  await server.close();
  redis.disconnect();
});

function setup(reply?: TokenServer["reply"], options: Partial<TokenServiceOptions> = {}) {
  if (reply) server.reply = reply;
  else server.reply = (n) => ({ body: { access_token: `tok-${n}`, token_type: "bearer", expires_in: 3599 } });
  server.requests.length = 0;
  const keyPrefix = `${process.env.QUEUE_PREFIX}:carrier-${randomBytes(4).toString("hex")}`;
  const events: TokenEvent[] = [];
  const make = (extra: Partial<TokenServiceOptions> = {}) => {
    const service = new TokenService({ redis, keyPrefix, logger: silent, onEvent: (event) => void events.push(event), ...options, ...extra });
    services.push(service);
    return service;
  };
  const auth: CarrierAuth = { kind: "client_credentials", tokenUrl: server.url, clientId: "fedex-api-key-123", clientSecret: "s3cret-value-xyz" };
  return { keyPrefix, events, make, tokens: make(), account: { id: `acct-${randomBytes(3).toString("hex")}`, provider: "fedex" }, auth };
}

const pttl = (key: string) => redis.pttl(key);

describe("token cache", () => {
  it("fetches on a miss, then serves hits with exactly one Redis GET and no request", async () => {
    const { tokens, account, auth, keyPrefix, events } = setup();
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-1");
    expect(server.count).toBe(1);
    expect(server.requests[0].body).toBe("grant_type=client_credentials&client_id=fedex-api-key-123&client_secret=s3cret-value-xyz");
    expect(server.requests[0].headers["content-type"]).toBe("application/x-www-form-urlencoded");
    await vi.waitFor(() => expect(events).toEqual([{ accountId: account.id, provider: "fedex", outcome: "fetched", status: 200 }]));

    const sent = vi.spyOn(redis, "sendCommand");
    try {
      expect(await tokens.authorization(account, auth)).toBe("Bearer tok-1");
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual(["get"]);
    } finally {
      sent.mockRestore();
    }
    expect(server.count).toBe(1);
    // expires_in 3599 minus the 300 s safety margin
    const ttl = await pttl(`${keyPrefix}:carrier-token:${account.id}`);
    expect(ttl).toBeGreaterThan(3_298_000);
    expect(ttl).toBeLessThanOrEqual(3_299_000);
  });

  it("fetches a new token once the cached one expires (expires_in minus the margin)", async () => {
    const { account, auth, keyPrefix, make } = setup((n) => ({ body: { access_token: `tok-${n}`, expires_in: 4 } }));
    const tokens = make({ safetyMarginSeconds: 1 });
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-1");
    const ttl = await pttl(`${keyPrefix}:carrier-token:${account.id}`);
    expect(ttl).toBeGreaterThan(2_500);
    expect(ttl).toBeLessThanOrEqual(3_000);
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-1");
    await new Promise((resolve) => setTimeout(resolve, ttl + 50));
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-2");
    expect(server.count).toBe(2);
  });

  it("caps the safety margin at half of a short token's lifetime", async () => {
    const { tokens, account, auth, keyPrefix } = setup((n) => ({ body: { access_token: `tok-${n}`, expires_in: "10" } }));
    await tokens.authorization(account, auth);
    const ttl = await pttl(`${keyPrefix}:carrier-token:${account.id}`);
    expect(ttl).toBeGreaterThan(4_500);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it.each([["missing", undefined], ["zero", 0], ["not a number", "soon"]])(
    "assumes a 15-minute lifetime when expires_in is %s, and logs it",
    async (_case, expiresIn) => {
      const lines: string[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
      const { account, auth, keyPrefix, make } = setup((n) => ({ body: { access_token: `tok-${n}`, expires_in: expiresIn } }));
      const tokens = make({ logger });
      await tokens.authorization(account, auth);
      const ttl = await pttl(`${keyPrefix}:carrier-token:${account.id}`);
      // 15 minutes minus the 5-minute margin: cached, but not forever.
      expect(ttl).toBeGreaterThan(599_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
      expect(lines.join("")).toContain("assuming 15 minutes");
    },
  );

  it("invalidates only the stale token it was given", async () => {
    const { tokens, account, auth } = setup();
    const first = await tokens.authorization(account, auth);
    await tokens.invalidate(account, "Bearer some-older-token");
    expect(await tokens.authorization(account, auth)).toBe(first);
    expect(server.count).toBe(1);

    await tokens.invalidate(account, first);
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-2");
    expect(server.count).toBe(2);
  });

  it("computes Basic credentials without Redis or a token request", async () => {
    const { tokens, account } = setup();
    const sent = vi.spyOn(redis, "sendCommand");
    try {
      const header = await tokens.authorization(account, { kind: "basic", username: "mydhl-user", password: "pa:ss" });
      expect(header).toBe(`Basic ${Buffer.from("mydhl-user:pa:ss").toString("base64")}`);
      expect(sent).not.toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
    expect(server.count).toBe(0);
  });

  it("sends the password grant (DHL Parcel DE) form-encoded", async () => {
    const { tokens, account } = setup();
    await tokens.authorization(account, {
      kind: "password",
      tokenUrl: server.url,
      clientId: "app-id",
      clientSecret: "app-secret",
      username: "gkp-user",
      password: "p&ss=word",
    });
    expect(server.requests[0].body).toBe(
      "grant_type=password&username=gkp-user&password=p%26ss%3Dword&client_id=app-id&client_secret=app-secret",
    );
  });

  it("sends client id and secret as HTTP Basic when the carrier wants it", async () => {
    const { tokens, account } = setup();
    await tokens.authorization(account, { kind: "client_credentials", tokenUrl: server.url, clientId: "id-1", clientSecret: "secret-1", clientAuth: "basic" });
    expect(server.requests[0].body).toBe("grant_type=client_credentials");
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from("id-1:secret-1").toString("base64")}`);
  });
});

describe("token fetch failures", () => {
  it("gives every waiter, in every process, the same error after one request", async () => {
    const { account, auth, make, events } = setup(() => ({ status: 503, delayMs: 200, body: { errors: [{ code: "SERVICE.UNAVAILABLE.ERROR", message: "The service is currently unavailable." }] } }));
    // Three services with their own in-process maps stand for three processes.
    const instances = [make({ failureTtlMs: 400 }), make({ failureTtlMs: 400 }), make({ failureTtlMs: 400 })];
    const started = performance.now();
    const outcomes = await Promise.allSettled(instances.flatMap((tokens) => Array.from({ length: 100 }, () => tokens.authorization(account, auth))));
    const elapsed = performance.now() - started;

    expect(server.count).toBe(1);
    expect(elapsed).toBeLessThan(1_000);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const error = (outcome as PromiseRejectedResult).reason as TokenRequestError;
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error).toMatchObject({ status: 503, code: "SERVICE.UNAVAILABLE.ERROR", carrierMessage: "The service is currently unavailable.", retryable: true, credentialsRejected: false });
    }
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ outcome: "failed", status: 503, message: "The service is currently unavailable." });

    // During the failure window a new caller is answered from the marker, without a request.
    await expect(instances[0].authorization(account, auth)).rejects.toBeInstanceOf(TokenRequestError);
    expect(server.count).toBe(1);
    // After it, the next caller tries again.
    server.reply = (n) => ({ body: { access_token: `tok-${n}`, expires_in: 3599 } });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await instances[1].authorization(account, auth)).toBe("Bearer tok-2");
  });

  it.each([
    ["a FedEx 401", 401, { transactionId: "t-1", errors: [{ code: "NOT.AUTHORIZED.ERROR", message: "The given client credentials were not valid. Please modify your request and try again." }] }, "The given client credentials were not valid. Please modify your request and try again.", "NOT.AUTHORIZED.ERROR"],
    ["an OAuth 400 invalid_client", 400, { error: "invalid_client", error_description: "Client authentication failed" }, "Client authentication failed", "invalid_client"],
  ])("marks credentials rejected on %s, with the carrier's words and no secret", async (_case, status, body, message, code) => {
    const { tokens, account, auth } = setup(() => ({ status, body }));
    const error = (await tokens.authorization(account, auth).catch((caught: unknown) => caught)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status, code, carrierMessage: message, credentialsRejected: true, retryable: false });
    expect(error.message).toContain(message);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("s3cret-value-xyz");
  });

  it("does not repeat a secret the carrier echoes back", async () => {
    const { tokens, account, auth } = setup(() => ({ status: 400, body: { title: "Bad Request", detail: "client_secret s3cret-value-xyz is malformed", status: 400 } }));
    const error = (await tokens.authorization(account, auth).catch((caught: unknown) => caught)) as TokenRequestError;
    expect(error.carrierMessage).toBe("client_secret [redacted] is malformed");
    expect(error.message).not.toContain("s3cret-value-xyz");
    expect(error.credentialsRejected).toBe(false);
  });

  it("times out a token endpoint that does not answer", async () => {
    const { account, auth, make } = setup(() => ({ delayMs: 1_000, body: { access_token: "late", expires_in: 3599 } }));
    const tokens = make({ fetchTimeoutMs: 150, lockTtlMs: 1_000 });
    await expect(tokens.authorization(account, auth)).rejects.toMatchObject({ status: null, retryable: true, carrierMessage: "no answer within 150 ms" });
  });

  it("takes over when the lock holder died without settling", async () => {
    const { tokens, account, auth, keyPrefix } = setup();
    await redis.set(`${keyPrefix}:carrier-token-lock:${account.id}`, "a-crashed-process", "PX", 300);
    const started = performance.now();
    expect(await tokens.authorization(account, auth)).toBe("Bearer tok-1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.count).toBe(1);
  });

  it("gives up waiting after waitTimeoutMs", async () => {
    const { account, auth, keyPrefix, make } = setup();
    const tokens = make({ waitTimeoutMs: 300 });
    await redis.set(`${keyPrefix}:carrier-token-lock:${account.id}`, "a-slow-process", "PX", 10_000);
    await expect(tokens.authorization(account, auth)).rejects.toMatchObject({ code: "token_wait_timeout", retryable: true });
    expect(server.count).toBe(0);
  });
});
