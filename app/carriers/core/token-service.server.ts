// Carrier access tokens, cached in Redis and fetched once across all processes.
//
// FedEx throttles its token endpoint per IP and tokens last an hour, so a token is
// fetched once and shared: a cache hit is one Redis GET. On a miss:
//   1. In-process: concurrent callers for one account share one promise.
//   2. Across processes: that one caller takes a Redis lock (SET NX PX). The winner
//      fetches, then in ONE Lua call stores the outcome, releases the lock (only if it
//      still owns it) and publishes on the account's channel. Because store and
//      release are atomic, nobody can see "lock gone" without also seeing the outcome.
//   3. Losers wait for that announcement (pub/sub, with a 50 ms poll as fallback for
//      a missed message or a dead subscriber) and re-read the cache. If the lock
//      disappears with no outcome (the winner crashed: the lock expires after
//      lockTtlMs), a waiter takes the lock itself. waitTimeoutMs bounds the wait.
//   4. A failed fetch is stored as a short-lived failure marker (2 s) instead of a
//      token. Waiters, and callers arriving during those 2 s, get the same error
//      without a request of their own: 1,000 callers make one failed request, not a
//      storm against an endpoint that is down or refusing the credentials.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { loggerFor } from "../../logging/logger.server";
import { basicAuthorization, secretsOf, type CarrierAuth, type TokenAuth } from "./auth";
import { TokenRequestError, scrub, type TokenFailure } from "./token-errors";
import { fetchToken, type FetchedToken } from "./token-fetch.server";

export { TokenRequestError } from "./token-errors";

export interface TokenAccount {
  id: string;
  /** "fedex" | "dhl-ecommerce" …: named in events and errors. */
  provider: string;
}

export interface TokenEvent {
  accountId: string;
  provider: string;
  outcome: "fetched" | "failed";
  status?: number;
  message?: string;
}

export interface TokenServiceOptions {
  redis: Redis;
  keyPrefix: string;
  /** Cached tokens expire this long before the carrier says (capped at half the lifetime). Default 300. */
  safetyMarginSeconds?: number;
  /** Default 15,000; must exceed fetchTimeoutMs so the lock outlives the fetch. */
  lockTtlMs?: number;
  /** How long a caller waits for another process's fetch. Default 20,000 (> lockTtlMs: a dead winner's lock expires first). */
  waitTimeoutMs?: number;
  /** Default 10,000. */
  fetchTimeoutMs?: number;
  /** How long a failed fetch is replayed to every caller instead of a new request. Default 2,000. */
  failureTtlMs?: number;
  dispatcher?: Dispatcher;
  /** Called once per fetch (not per caller), without awaiting: audits and metrics. */
  onEvent?: (event: TokenEvent) => void | Promise<void>;
  logger?: Logger;
}

const POLL_MS = 50;
/** Never cache for less: a carrier with very short tokens would otherwise cost a token request per call. */
const MIN_TTL_MS = 3_000;
/** Used when the token answer has no usable expires_in: short enough that a wrong guess costs one early fetch. */
export const ASSUMED_LIFETIME_SECONDS = 15 * 60;

const DELETE_IF_EQUAL = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
// KEYS: outcome key, lock, key to clear (the other outcome); ARGV: value, ttl ms, owner, channel.
const SETTLE = `redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2])
redis.call("del", KEYS[3])
if redis.call("get", KEYS[2]) == ARGV[3] then redis.call("del", KEYS[2]) end
redis.call("publish", ARGV[4], "settled")
return 1`;

interface Keys {
  token: string;
  lock: string;
  failed: string;
  channel: string;
}

export class TokenService {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly safetyMarginMs: number;
  private readonly lockTtlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly fetchTimeoutMs: number;
  private readonly failureTtlMs: number;
  private readonly dispatcher?: Dispatcher;
  private readonly onEvent?: TokenServiceOptions["onEvent"];
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscriber?: Redis;

  constructor(options: TokenServiceOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.safetyMarginMs = (options.safetyMarginSeconds ?? 300) * 1000;
    this.lockTtlMs = options.lockTtlMs ?? 15_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 20_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
    this.failureTtlMs = options.failureTtlMs ?? 2_000;
    this.dispatcher = options.dispatcher;
    this.onEvent = options.onEvent;
    this.logger = options.logger ?? loggerFor("carrier-tokens");
    if (this.fetchTimeoutMs >= this.lockTtlMs) {
      // Otherwise the lock could expire mid-fetch and a second process fetch concurrently.
      throw new RangeError("TokenService: lockTtlMs must be greater than fetchTimeoutMs");
    }
  }

  /** The Authorization header value for a call: "Bearer <token>" (cached) or "Basic …". */
  async authorization(account: TokenAccount, auth: CarrierAuth): Promise<string> {
    if (auth.kind === "basic") return basicAuthorization(auth.username, auth.password);
    const joined = this.inFlight.get(account.id);
    if (joined) return joined;
    const cached = await this.redis.get(this.keys(account.id).token);
    if (cached) return cached;

    let flight = this.inFlight.get(account.id); // another caller missed during our GET
    if (!flight) {
      const started = this.obtain(account, auth).finally(() => {
        if (this.inFlight.get(account.id) === started) this.inFlight.delete(account.id);
      });
      this.inFlight.set(account.id, started);
      flight = started;
    }
    return flight;
  }

  /** Drops the cached token, only if it is still `staleAuthorization` (a newer token fetched meanwhile is kept). */
  async invalidate(account: TokenAccount, staleAuthorization: string): Promise<void> {
    if (!staleAuthorization.startsWith("Bearer ")) return;
    await this.redis.eval(DELETE_IF_EQUAL, 1, this.keys(account.id).token, staleAuthorization);
  }

  /** Forgets the token and any failure marker: call when an account's credentials change. */
  async forget(accountId: string): Promise<void> {
    const keys = this.keys(accountId);
    await this.redis.del(keys.token, keys.failed);
  }

  /** Closes the pub/sub connection this service opened. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private keys(accountId: string): Keys {
    const base = `${this.keyPrefix}:carrier-token`;
    return {
      token: `${base}:${accountId}`,
      lock: `${base}-lock:${accountId}`,
      failed: `${base}-failed:${accountId}`,
      channel: `${base}-ready:${accountId}`,
    };
  }

  private async obtain(account: TokenAccount, auth: TokenAuth): Promise<string> {
    const keys = this.keys(account.id);
    this.subscribe();
    const deadline = Date.now() + this.waitTimeoutMs;
    for (;;) {
      // Listen before reading, so an announcement between the read and the wait is not lost.
      const wake = this.wakeOn(keys.channel, Math.max(1, Math.min(POLL_MS, deadline - Date.now())));
      try {
        const [token, failure, holder] = await this.redis.mget(keys.token, keys.failed, keys.lock);
        if (token) return token;
        if (failure) throw replay(failure, account);
        if (!holder) {
          const owner = randomUUID();
          if ((await this.redis.set(keys.lock, owner, "PX", this.lockTtlMs, "NX")) === "OK") {
            return await this.fetchUnderLock(account, auth, keys, owner);
          }
        }
        if (Date.now() >= deadline) {
          throw new TokenRequestError({
            provider: account.provider,
            status: null,
            code: "token_wait_timeout",
            carrierMessage: `no token within ${this.waitTimeoutMs} ms while another process fetched it`,
            credentialsRejected: false,
            retryable: true,
          });
        }
        await wake.promise;
      } finally {
        wake.cancel();
      }
    }
  }

  private async fetchUnderLock(account: TokenAccount, auth: TokenAuth, keys: Keys, owner: string): Promise<string> {
    // Re-read under the lock: between our read and our SET NX another process may
    // have fetched, stored and released.
    const [token, failure] = await this.redis.mget(keys.token, keys.failed);
    if (token || failure) {
      await this.redis.eval(DELETE_IF_EQUAL, 1, keys.lock, owner);
      if (token) return token;
      throw replay(failure!, account);
    }

    let fetched: FetchedToken;
    try {
      fetched = await fetchToken(account.provider, auth, { timeoutMs: this.fetchTimeoutMs, dispatcher: this.dispatcher });
    } catch (error) {
      const failed =
        error instanceof TokenRequestError
          ? error
          : new TokenRequestError({
              provider: account.provider,
              status: null,
              code: null,
              carrierMessage: scrub(error instanceof Error ? error.message : String(error), secretsOf(auth)),
              credentialsRejected: false,
              retryable: true,
            });
      await this.settle(keys, keys.failed, JSON.stringify(failed.toFailure()), this.failureTtlMs, owner);
      this.logger.warn(
        { accountId: account.id, provider: account.provider, status: failed.status, code: failed.code, carrierMessage: failed.carrierMessage },
        "carrier token request failed",
      );
      this.emit({ accountId: account.id, provider: account.provider, outcome: "failed", status: failed.status ?? undefined, message: failed.carrierMessage });
      throw failed;
    }

    let expiresIn = fetched.expiresInSeconds;
    if (expiresIn === null) {
      this.logger.warn({ accountId: account.id, provider: account.provider }, "token answer without a usable expires_in: assuming 15 minutes");
      expiresIn = ASSUMED_LIFETIME_SECONDS;
    }
    await this.settle(keys, keys.token, fetched.authorization, this.ttlMs(expiresIn), owner);
    this.emit({ accountId: account.id, provider: account.provider, outcome: "fetched", status: 200 });
    return fetched.authorization;
  }

  /** Cache lifetime: the carrier's lifetime minus the margin, the margin at most half the lifetime. */
  private ttlMs(expiresInSeconds: number): number {
    const lifetimeMs = expiresInSeconds * 1000;
    return Math.max(MIN_TTL_MS, Math.floor(lifetimeMs - Math.min(this.safetyMarginMs, lifetimeMs / 2)));
  }

  private async settle(keys: Keys, outcomeKey: string, value: string, ttlMs: number, owner: string): Promise<void> {
    const clear = outcomeKey === keys.token ? keys.failed : keys.token;
    try {
      await this.redis.eval(SETTLE, 3, outcomeKey, keys.lock, clear, value, String(ttlMs), owner, keys.channel);
    } catch (error) {
      // Our callers still get the outcome; other processes take over once the lock expires.
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, "could not store the carrier token outcome");
    }
  }

  private emit(event: TokenEvent): void {
    const onEvent = this.onEvent;
    if (!onEvent) return;
    // Not awaited: a slow audit write must not hold the token back from its callers.
    Promise.resolve()
      .then(() => onEvent(event))
      .catch((error: unknown) =>
        this.logger.warn({ accountId: event.accountId, err: error instanceof Error ? error.message : String(error) }, "token event handler failed"),
      );
  }

  private subscribe(): void {
    if (this.subscriber) return;
    // A subscribed connection can run nothing else, hence a dedicated one. It is
    // best effort: if it fails, waiters still poll every 50 ms.
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    subscriber.on("error", (error: Error) => this.logger.debug({ err: error.message }, "token pub/sub connection error"));
    subscriber.on("pmessage", (_pattern: string, channel: string) => this.notify(channel));
    subscriber.psubscribe(`${this.keyPrefix}:carrier-token-ready:*`).catch((error: unknown) => {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "token pub/sub unavailable: polling");
    });
    this.subscriber = subscriber;
  }

  private wakeOn(channel: string, ms: number): { promise: Promise<void>; cancel: () => void } {
    let cancel: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      const set = this.waiters.get(channel) ?? new Set<() => void>();
      this.waiters.set(channel, set);
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(channel) === set) this.waiters.delete(channel);
        resolve();
      };
      set.add(done);
      cancel = done;
    });
    return { promise, cancel };
  }

  private notify(channel: string): void {
    for (const done of [...(this.waiters.get(channel) ?? [])]) done();
  }
}

/** The error another caller's fetch stored, for a caller that did not fetch. */
function replay(marker: string, account: TokenAccount): TokenRequestError {
  try {
    return new TokenRequestError(JSON.parse(marker) as TokenFailure);
  } catch {
    return new TokenRequestError({
      provider: account.provider,
      status: null,
      code: null,
      carrierMessage: "the token request failed",
      credentialsRejected: false,
      retryable: true,
    });
  }
}
