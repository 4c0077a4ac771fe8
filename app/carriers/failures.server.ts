// What a carrier failure means for the merchant: the carrier's own words, and
// whether the account must be re-authorised.
import { NeedsReauthError } from "./core/authorized-call.server";
import { CarrierTransientError, CircuitOpenError, RateLimitedError } from "./core/policies.server";
import { TokenRequestError } from "./core/token-service.server";
import { CarrierRequestError, type CarrierCode } from "./connector";

const NAMES: Record<CarrierCode, string> = { FEDEX: "FedEx", DHL_ECOMMERCE: "DHL eCommerce" };

export interface CarrierFailure {
  message: string;
  needsReauth: boolean;
}

export function describeCarrierFailure(carrier: CarrierCode, error: unknown): CarrierFailure {
  const name = NAMES[carrier];
  if (error instanceof TokenRequestError) {
    return error.credentialsRejected
      ? { message: `${name} refused the credentials: ${error.carrierMessage}`, needsReauth: true }
      : { message: `${name} did not issue a token: ${error.carrierMessage}`, needsReauth: false };
  }
  if (error instanceof NeedsReauthError) return { message: `${name} refused the credentials: ${error.message}`, needsReauth: true };
  if (error instanceof CircuitOpenError) return { message: `${name} has been failing; Rappit pauses calls to it for a moment. Try again shortly.`, needsReauth: false };
  if (error instanceof RateLimitedError) return { message: `${name} asked Rappit to slow down. Try again in a minute.`, needsReauth: false };
  if (error instanceof CarrierTransientError) return { message: `${name} is not answering right now (${error.message}). Try again in a few minutes.`, needsReauth: false };
  if (error instanceof CarrierRequestError) return { message: `${name}: ${error.message}`, needsReauth: false };
  return { message: `${name}: ${error instanceof Error ? error.message : String(error)}`, needsReauth: false };
}
