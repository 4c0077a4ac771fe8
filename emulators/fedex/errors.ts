// FedEx's error envelope: {transactionId, customerTransactionId?, errors:[{code, message}]}
// (the server adds the ids). Codes and messages are the ones in ship-api.json's
// examples (carriers-woo.md 2.8) where FedEx documents them.
import type { Json, Reply } from "./http";

export const MESSAGES = {
  badCredentials: "The given client credentials were not valid. Please modify your request and try again.",
  expired: "Access token expired. Please modify your request and try again.",
  forbidden: "We could not authorize your credentials. Please check your permissions and try again.",
  notFound: "The resource you requested is no longer available. Please modify your request and try again.",
  unavailable: "The service is currently unavailable and we are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.",
  internal: "We encountered an unexpected error and are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.",
  // Assumption: the rate-limit guide gives this text but no envelope code; RATE.LIMIT.EXCEEDED is ours.
  tooMany: "We have received too many requests in a short duration. Please wait a while to try again.",
  // Assumption: FedEx's token-endpoint 400 wording as third-party clients quote it.
  badRequest: "Missing or duplicate parameters. Please modify your request and try again.",
  accountRequired: "Please enter a valid 9-digit FedEx account number or register for a new FedEx account number.",
} as const;

export interface FedexError {
  code: string;
  message: string;
  parameterList?: { key: string; value: string }[];
}

export function fedexErrors(status: number, errors: FedexError[], headers?: Record<string, string>): Reply {
  return { status, body: { errors } as Json, headers };
}

export function fedexError(status: number, code: string, message: string): Reply {
  return fedexErrors(status, [{ code, message }]);
}

/**
 * One invalid or missing field. Assumption: FedEx's validation codes vary per
 * field and are not all documented; INVALID.INPUT.EXCEPTION with a parameterList
 * naming the field is the generic shape of its CXS errors.
 */
export function invalidField(field: string, problem = "is required"): FedexError {
  return { code: "INVALID.INPUT.EXCEPTION", message: `Invalid field value in the input: ${field} ${problem}.`, parameterList: [{ key: field, value: problem }] };
}
