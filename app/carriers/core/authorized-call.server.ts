// A carrier call with a bearer token: a 401 means our cached token went stale
// (FedEx answers NOT.AUTHORIZED.ERROR both for an expired token and for bad
// credentials), so drop it, fetch a new one and retry once. A second 401, or
// credentials refused at the token endpoint, means a merchant must reconnect.
import type { CarrierAuth } from "./auth";
import { TokenRequestError, type TokenAccount, type TokenService } from "./token-service.server";

/** Thrown by a connector when the carrier answered 401 to a business call. */
export class CarrierAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CarrierAuthError";
  }
}

/** The credentials no longer work; retrying cannot help (the runtime fails the job at once). */
export class NeedsReauthError extends Error {
  readonly retryable = false;
  constructor(
    /** The carrier's own words. */
    message: string,
    readonly accountId: string,
    readonly provider: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "NeedsReauthError";
  }
}

export async function callWithToken<T>(
  tokens: TokenService,
  account: TokenAccount,
  auth: CarrierAuth,
  call: (authorization: string) => Promise<T>,
): Promise<T> {
  const authorization = await authorize(tokens, account, auth);
  try {
    return await call(authorization);
  } catch (error) {
    if (!(error instanceof CarrierAuthError)) throw error;
    // Basic credentials have no token to renew: the same header would be refused again.
    if (auth.kind === "basic") throw new NeedsReauthError(error.message, account.id, account.provider, { cause: error });
    // Only our stale token is dropped; one another caller fetched meanwhile is reused.
    await tokens.invalidate(account, authorization);
  }
  const fresh = await authorize(tokens, account, auth);
  try {
    return await call(fresh);
  } catch (error) {
    if (error instanceof CarrierAuthError) throw new NeedsReauthError(error.message, account.id, account.provider, { cause: error });
    throw error;
  }
}

async function authorize(tokens: TokenService, account: TokenAccount, auth: CarrierAuth): Promise<string> {
  try {
    return await tokens.authorization(account, auth);
  } catch (error) {
    if (error instanceof TokenRequestError && error.credentialsRejected) {
      throw new NeedsReauthError(error.carrierMessage, account.id, account.provider, { cause: error });
    }
    throw error;
  }
}
