// The request id and shop of the work in progress, kept in AsyncLocalStorage so every
// log line can carry them without threading a logger through each call. A route's
// context starts in the HTTP server (server/request-context.ts); enqueue() copies it into
// the job's data (`trace`), and the worker runtime restores it around the handler,
// so the lines of a request and of every job it caused share one request id.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export interface RequestContext {
  requestId: string;
  /** The shop's myshopify domain, once the request or job knows it. */
  shop?: string;
  /** Set while a job runs: which one. */
  job?: { queue: string; id: string; name: string };
}

/** What travels in job data under `trace`: plain values only (job data is JSON). */
export interface JobTrace {
  requestId: string;
  shop?: string;
}

export const TRACE_KEY = "trace";

// On globalThis: in production the Remix build and server/*.ts are separate module
// graphs in one process (Vite's in development), and both must see the same store.
const globalForContext = globalThis as unknown as { __rappitRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalForContext.__rappitRequestContext ??= new AsyncLocalStorage<RequestContext>());

// Ids from a proxy or load balancer are kept when they look like ids, so lines can be
// matched with theirs; anything else (long, odd characters, log injection) is replaced.
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** The incoming X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  const candidate = header?.trim();
  return candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Names the shop for the rest of the current request or job (no-op outside one). */
export function setContextShop(shop: string): void {
  const context = storage.getStore();
  if (context) context.shop = shop;
}

/** The trace to put in the data of a job enqueued now, if this is a request or a job. */
export function currentJobTrace(): JobTrace | undefined {
  const context = storage.getStore();
  if (!context) return undefined;
  return context.shop ? { requestId: context.requestId, shop: context.shop } : { requestId: context.requestId };
}

/** The trace a job was enqueued with; undefined when it has none or it is malformed. */
export function jobTraceOf(data: unknown): JobTrace | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const trace = (data as Record<string, unknown>)[TRACE_KEY];
  if (typeof trace !== "object" || trace === null) return undefined;
  const { requestId, shop } = trace as Record<string, unknown>;
  if (typeof requestId !== "string" || !SANE_REQUEST_ID.test(requestId)) return undefined;
  return typeof shop === "string" && shop.length <= 255 ? { requestId, shop } : { requestId };
}

/** The fields every log line gets from the current context. */
export function contextLogFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const fields: Record<string, string> = { requestId: context.requestId };
  if (context.shop) fields.shop = context.shop;
  return fields;
}
