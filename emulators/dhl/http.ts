// HTTP plumbing for the DHL emulator: bodies in, JSON out, and small readers
// for the untyped request bodies (every field may be missing or the wrong type).
import type { IncomingMessage, ServerResponse } from "node:http";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Json;
  headers?: Record<string, string>;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  // Errors are RFC 7807 problem documents.
  const type = status >= 400 ? "application/problem+json" : "application/json";
  response.writeHead(status, { "Content-Type": type, "Content-Length": String(bytes.length), ...headers });
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

/** The value at a dotted path ("consigneeAddress.country"), or undefined. */
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
