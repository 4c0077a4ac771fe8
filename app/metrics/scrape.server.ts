// GET /metrics: Prometheus text format behind a bearer token (METRICS_TOKEN). The
// token is compared in constant time (both sides hashed to equal length first). With
// no token configured (allowed outside production only) the endpoint is off: 404.
import { createHash, timingSafeEqual } from "node:crypto";
import { loggerFor } from "../logging/logger.server";
import { metrics } from "./metrics.server";

const logger = loggerFor("metrics");

export type ScrapeAuth = { ok: true } | { ok: false; status: 401 | 404; message: string };

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export function authorizeScrape(authorization: string | null | undefined, token: string | undefined): ScrapeAuth {
  if (!token) return { ok: false, status: 404, message: "metrics are off: set METRICS_TOKEN to enable GET /metrics" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match || !timingSafeEqual(digest(match[1]), digest(token))) {
    return { ok: false, status: 401, message: "a valid bearer token is required (Authorization: Bearer <METRICS_TOKEN>)" };
  }
  return { ok: true };
}

/** The scrape answer; `collect` refreshes scrape-time gauges first (the web process's shared state). */
export async function scrapeResponse(
  authorization: string | null,
  token: string | undefined,
  collect?: () => Promise<void>,
): Promise<Response> {
  const auth = authorizeScrape(authorization, token);
  if (!auth.ok) {
    return new Response(`${auth.message}\n`, {
      status: auth.status,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
        ...(auth.status === 401 ? { "WWW-Authenticate": 'Bearer realm="metrics"' } : {}),
      },
    });
  }
  // A failed read of shared state still answers with the process's own series:
  // rappit_dependency_up says what did not answer.
  await collect?.().catch((error: unknown) => logger.warn({ err: error }, "scrape-time metrics not collected"));
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
  });
}
