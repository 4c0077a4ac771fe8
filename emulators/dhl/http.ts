// HTTP plumbing for the DHL emulator: JSON out (problem documents for errors); the
// request readers are shared with the FedEx emulator.
import type { ServerResponse } from "node:http";
import type { Json } from "../carrier-shared/body-readers";

export { at, bearerToken, list, readBody, record, text, type Json } from "../carrier-shared/body-readers";

export interface Reply {
  status: number;
  body: Json;
  headers?: Record<string, string>;
}

export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  // Errors are RFC 7807 problem documents.
  const type = status >= 400 ? "application/problem+json" : "application/json";
  response.writeHead(status, { "Content-Type": type, "Content-Length": String(bytes.length), ...headers });
  response.end(bytes);
}
