// HTTP plumbing for the FedEx emulator: JSON out; the request readers are shared
// with the DHL emulator.
import type { ServerResponse } from "node:http";
import type { Json } from "../carrier-shared/body-readers";

export { at, bearerToken, list, readBody, record, text, type Json } from "../carrier-shared/body-readers";

export interface Reply {
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** The token grant's success body is plain OAuth: no transactionId envelope. */
  bare?: boolean;
}

export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(bytes.length), ...headers });
  response.end(bytes);
}
