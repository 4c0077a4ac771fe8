// Builds the connector of one stored carrier account: its secrets opened, its
// token cached in Redis by the shared token service, its calls through the carrier's
// rate limit and policy. Token fetches are audited on the account's shop.
import { getConfig } from "../config/env.server";
import { forShop } from "../db/prisma.server";
import { getProducerRedis, whenConnected } from "../jobs/redis.server";
import { loggerFor } from "../logging/logger.server";
import { recordCarrierCall, recordTokenFetch, type CarrierCallOutcome } from "../metrics/record.server";
import { recordAudit } from "../security/audit.server";
import { getCipher } from "../security/cipher.server";
import { rowBinding } from "../security/encrypted-columns";
import type { CarrierAuth } from "./core/auth";
import { NeedsReauthError, callWithToken } from "./core/authorized-call.server";
import { CarrierTransientError, CircuitOpenError, RateLimitedError, accountRateLimiter, carrierPolicy } from "./core/policies.server";
import { TokenRequestError, TokenService, type TokenAccount, type TokenEvent } from "./core/token-service.server";
import type { CarrierCode, CarrierConnector, CarrierEnvironment } from "./connector";
import { dhlConnector } from "./dhl/connector.server";
import { DHL_HOSTS, DHL_RATE_LIMIT, dhlCredentialsSchema } from "./dhl/settings";
import { fedexConnector } from "./fedex/connector.server";
import { FEDEX_HOSTS, FEDEX_RATE_LIMIT, fedexCredentialsSchema } from "./fedex/settings";

const logger = loggerFor("carriers");

export interface CarrierCallContext {
  accountNumber: string;
  baseUrl: string;
  /** One carrier call: rate limit, policy (timeout, breaker, safe retries), bearer token with one refresh on 401. */
  call<T>(request: (authorization: string, signal: AbortSignal) => Promise<T>, options: { idempotent: boolean }): Promise<T>;
}

export interface StoredAccount {
  id: string;
  shopId: string;
  carrier: string;
  environment: string;
  accountNumber: string;
  credentials: string | null;
}

const PROVIDERS: Record<CarrierCode, string> = { FEDEX: "fedex", DHL_ECOMMERCE: "dhl-ecommerce" };

export function sealAccountCredentials(accountId: string, credentials: object): string {
  return getCipher().encrypt(JSON.stringify(credentials), rowBinding("ShippingAccount", accountId, "credentials"));
}

function openCredentials(account: StoredAccount): unknown {
  if (!account.credentials) throw new Error(`carrier account ${account.id} has no stored credentials: connect it again`);
  return JSON.parse(getCipher().decrypt(account.credentials, rowBinding("ShippingAccount", account.id, "credentials")));
}

// Which shop a token fetch belongs to, for its audit row (drafts being tested are not saved yet).
const shopOfAccount = new Map<string, string>();

function callOutcome(error: unknown): CarrierCallOutcome {
  if (error instanceof RateLimitedError) return "rate_limited";
  if (error instanceof CircuitOpenError) return "circuit_open";
  if (error instanceof CarrierTransientError) return "transient";
  if (error instanceof NeedsReauthError || error instanceof TokenRequestError) return "auth";
  return "error";
}

async function auditTokenEvent(event: TokenEvent): Promise<void> {
  recordTokenFetch(event.provider, event.outcome === "fetched" ? "success" : "failure");
  const shopId = shopOfAccount.get(event.accountId);
  if (!shopId) return;
  try {
    await recordAudit(forShop(shopId), {
      actor: { type: "SYSTEM", id: "carrier-token-service" },
      action: event.outcome === "fetched" ? "TOKEN_REFRESHED" : "TOKEN_REFRESH_FAILED",
      subject: { type: "ShippingAccount", id: event.accountId },
      after: { provider: event.provider, status: event.status ?? null, message: event.message ?? null },
    });
  } catch (error) {
    // A draft account (credentials being tested) has no row yet; nothing to attach the audit to.
    logger.debug({ accountId: event.accountId, err: error instanceof Error ? error.message : String(error) }, "token audit skipped");
  }
}

let tokens: TokenService | undefined;

function tokenService(): TokenService {
  tokens ??= new TokenService({ redis: getProducerRedis(), keyPrefix: getConfig().QUEUE_PREFIX, onEvent: auditTokenEvent });
  return tokens;
}

/** Drops an account's cached token (credentials replaced or disconnected). */
export async function forgetCachedToken(accountId: string): Promise<void> {
  await whenConnected(getProducerRedis());
  await tokenService().forget(accountId);
}

function baseUrlFor(carrier: CarrierCode, environment: CarrierEnvironment): string {
  const config = getConfig();
  // Development and test only (refused in production): the local emulators.
  if (carrier === "FEDEX") return config.FEDEX_API_ORIGIN?.replace(/\/$/, "") ?? FEDEX_HOSTS[environment];
  return config.DHL_API_ORIGIN?.replace(/\/$/, "") ?? DHL_HOSTS[environment];
}

export function connectorFor(account: StoredAccount): CarrierConnector {
  const carrier = account.carrier as CarrierCode;
  const environment = account.environment as CarrierEnvironment;
  const baseUrl = baseUrlFor(carrier, environment);
  const tokenAccount: TokenAccount = { id: account.id, provider: PROVIDERS[carrier] };
  shopOfAccount.set(account.id, account.shopId);

  const credentials = openCredentials(account);
  const auth: CarrierAuth =
    carrier === "FEDEX"
      ? { kind: "client_credentials", tokenUrl: `${baseUrl}/oauth/token`, ...fedexCredentialsSchema.parse(credentials) }
      : { kind: "client_credentials", tokenUrl: `${baseUrl}/auth/v4/accesstoken`, ...pick(dhlCredentialsSchema.parse(credentials)) };
  const policy = carrierPolicy(
    { carrier: PROVIDERS[carrier], environment: environment === "SANDBOX" ? "sandbox" : "production" },
    { attemptTimeoutMs: getConfig().CARRIER_TIMEOUT_MS, halfOpenAfterMs: getConfig().CARRIER_BREAKER_COOLDOWN_MS, logger },
  );
  const limiter = accountRateLimiter(PROVIDERS[carrier], carrier === "FEDEX" ? FEDEX_RATE_LIMIT : DHL_RATE_LIMIT);

  const context: CarrierCallContext = {
    accountNumber: account.accountNumber,
    baseUrl,
    async call(request, options) {
      const started = performance.now();
      let outcome: CarrierCallOutcome = "ok";
      try {
        await whenConnected(getProducerRedis());
        await limiter.consume(account.id);
        return await policy.execute((signal) => callWithToken(tokenService(), tokenAccount, auth, (authorization) => request(authorization, signal)), options);
      } catch (error) {
        outcome = callOutcome(error);
        throw error;
      } finally {
        recordCarrierCall(PROVIDERS[carrier], outcome, (performance.now() - started) / 1000);
      }
    },
  };
  if (carrier === "FEDEX") return fedexConnector(context);
  return dhlConnector({ ...context, distributionCenter: dhlCredentialsSchema.parse(credentials).distributionCenter });
}

function pick(credentials: { clientId: string; clientSecret: string }) {
  return { clientId: credentials.clientId, clientSecret: credentials.clientSecret };
}
