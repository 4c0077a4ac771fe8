// HTTP plumbing for the store: replies it writes and requests it makes.
// Outbound requests use node:http(s) rather than fetch so the headers on the
// wire are exactly the ones WordPress sends (fetch adds its own).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function writeReply(response: ServerResponse, reply: HttpReply, withBody = true): void {
  const body = Buffer.from(reply.body, "utf8");
  response.writeHead(reply.status, { ...reply.headers, "Content-Length": String(body.length) });
  response.end(withBody ? body : undefined);
}

export function htmlReply(status: number, body: string, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { "Content-Type": "text/html; charset=UTF-8", ...headers }, body };
}

export function redirectReply(location: string): HttpReply {
  return { status: 302, headers: { Location: location, "Content-Type": "text/html; charset=UTF-8" }, body: "" };
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface OutboundOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Trusted CA (PEM) for https targets; Node's default store otherwise. */
  ca?: string;
}

/** One HTTP request; rejects on network errors and timeouts. */
export function send(url: string, options: OutboundOptions = {}): Promise<OutboundResponse> {
  const target = new URL(url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body, "utf8");
  const headers: Record<string, string> = { ...options.headers };
  if (body) headers["Content-Length"] = String(body.length);
  const requester = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requester(
      target,
      // No keep-alive pool: every call is its own connection, as PHP's one-shot requests are.
      { method: options.method ?? "GET", headers, ca: options.ca, timeout: options.timeoutMs ?? 60_000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`Operation timed out after ${options.timeoutMs ?? 60_000} milliseconds`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A request as WordPress's wp_safe_remote_post() makes it: up to `maxRedirects`
 * redirects followed (303 turns into GET, the others repeat the POST, as the
 * Requests library does). `route` rewrites every target, redirects included;
 * the Host header keeps the advertised host.
 */
export async function sendRouted(
  url: string,
  route: (url: string) => string,
  options: OutboundOptions & { maxRedirects?: number },
): Promise<OutboundResponse & { finalUrl: string }> {
  let current = url;
  let method = options.method ?? "POST";
  let body = options.body;
  for (let hop = 0; ; hop++) {
    const headers = { ...options.headers, Host: new URL(current).host };
    const response = await send(route(current), { ...options, method, body, headers });
    const location = response.headers.location;
    const redirect = [300, 301, 302, 303, 307, 308].includes(response.status) && location;
    if (!redirect || hop >= (options.maxRedirects ?? 0)) return { ...response, finalUrl: current };
    current = new URL(location, current).toString();
    if (response.status === 303) {
      method = "GET";
      body = undefined;
    }
  }
}
