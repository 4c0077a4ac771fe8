// DHL eCommerce Americas answers errors as RFC 7807 problem documents:
// {type, title, status, detail} or, for validation, {…, invalidParams:[{name, reason}]}.
import type { Reply } from "./http";

export interface InvalidParam {
  name: string;
  reason: string;
}

// Assumption: the `type` URI scheme is ours; clients must not parse it.
const typeFor = (status: number) => `https://api.dhlecs.com/docs/errors/${status}`;

export function problem(status: number, title: string, detail: string, headers?: Record<string, string>): Reply {
  return { status, body: { type: typeFor(status), title, status, detail }, headers };
}

/** 400 naming the fields. Assumption: the title wording for validation problems. */
export function invalid(params: InvalidParam[]): Reply {
  return { status: 400, body: { type: typeFor(400), title: "Invalid Parameter(s)", status: 400, invalidParams: params } };
}

export const unauthorized = (detail: string) => problem(401, "Unauthorized", detail);
export const forbidden = (pickup: string) => problem(403, "Forbidden", `The client is not authorized for pickup account ${pickup}`);
