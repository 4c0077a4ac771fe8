// HTTP plumbing for the FedEx emulator: bodies in, JSON out, and small readers
// for the untyped request bodies (every field may be missing or the wrong type).
import type { IncomingMessage, ServerResponse } from "node:http";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** The token grant's success body is plain OAuth: no transactionId envelope. */
  bare?: boolean;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(bytes.length), ...headers });
  response.end(bytes);
}

export function record(value: unknown): Json | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

export function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value at a dotted path ("requestedShipment.shipper.address"), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    const holder = record(current);
    if (!holder) return undefined;
    current = holder[key];
  }
  return current;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1] : null;
}
