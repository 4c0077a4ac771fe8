// Every Prometheus series Rappit exports, in one registry per process. Recording is a
// function call here; scraping is app/metrics/scrape.server.ts. Labels are bounded
// sets (queue, carrier, provider, topic, outcome): never a shop, order or account id,
// which would grow a series per merchant.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { breakerStates, type BreakerStateName } from "../carriers/core/policies.server";

export const BREAKER_STATE_VALUE: Readonly<Record<BreakerStateName, number>> = { closed: 0, "half-open": 1, open: 2 };

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "rappit_" });
  const registers = [registry];
  return {
    registry,
    webhookDeliveries: new Counter({
      name: "rappit_webhook_deliveries_total",
      help: "Inbound webhook deliveries by provider, topic and outcome (accepted, duplicate, bad_signature, unknown_shop)",
      labelNames: ["provider", "topic", "outcome"] as const,
      registers,
    }),
    webhookAckSeconds: new Histogram({
      name: "rappit_webhook_ack_seconds",
      help: "Time from a webhook's arrival to our answer (verify, record, enqueue)",
      labelNames: ["provider", "topic"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    jobDurationSeconds: new Histogram({
      name: "rappit_job_duration_seconds",
      help: "How long a job's handler ran, by queue and outcome (completed, failed, retry_later, returned)",
      labelNames: ["queue", "outcome"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    deadLettersRecorded: new Counter({
      name: "rappit_dead_letters_recorded_total",
      help: "Jobs that failed for the last time and were kept as dead letters, by queue",
      labelNames: ["queue"] as const,
      registers,
    }),
    tokenFetches: new Counter({
      name: "rappit_token_fetches_total",
      help: "Access token fetches and refreshes by provider (shopify, fedex, dhl-ecommerce) and outcome (success, failure)",
      labelNames: ["provider", "outcome"] as const,
      registers,
    }),
    oauthCallbacks: new Counter({
      name: "rappit_oauth_callbacks_total",
      help: "Install and key-grant callbacks (Shopify token exchange, WooCommerce wc-auth) by provider and outcome (success, error)",
      labelNames: ["provider", "outcome"] as const,
      registers,
    }),
    carrierCalls: new Counter({
      name: "rappit_carrier_calls_total",
      help: "Carrier API calls by carrier and outcome (ok, rate_limited, circuit_open, transient, auth, error)",
      labelNames: ["carrier", "outcome"] as const,
      registers,
    }),
    carrierCallSeconds: new Histogram({
      name: "rappit_carrier_call_seconds",
      help: "Carrier API call latency, retries and the token included, by carrier",
      labelNames: ["carrier"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30],
      registers,
    }),
    breakerState: new Gauge({
      name: "rappit_carrier_breaker_state",
      help: "Circuit breaker per carrier and environment in this process: 0 closed, 1 half-open, 2 open",
      labelNames: ["carrier", "environment"] as const,
      registers,
      collect() {
        for (const status of breakerStates()) {
          this.set({ carrier: status.carrier, environment: status.environment }, BREAKER_STATE_VALUE[status.state]);
        }
      },
    }),
    inventoryReservations: new Counter({
      name: "rappit_inventory_reservations_total",
      help: "Order stock outcomes: reserved, held (a line short: the order waits on hold), released (cancelled), shipped",
      labelNames: ["outcome"] as const,
      registers,
    }),
    messages: new Counter({
      name: "rappit_messages_total",
      help: "Message status changes by channel (EMAIL, WHATSAPP) and status reached (SENT, FAILED, RETRYING, DELIVERED, READ)",
      labelNames: ["channel", "status"] as const,
      registers,
    }),
    // Shared state, read at scrape time by the web process (see shared-state.server.ts).
    queueJobs: new Gauge({
      name: "rappit_queue_jobs",
      help: "Jobs per queue and state (waiting, delayed, active, failed, prioritized), read from Redis at scrape time",
      labelNames: ["queue", "state"] as const,
      registers,
    }),
    deadLettersOpen: new Gauge({
      name: "rappit_dead_letters_open",
      help: "Open dead letters (not retried or discarded) per queue, from PostgreSQL at scrape time",
      labelNames: ["queue"] as const,
      registers,
    }),
    inventoryReservedUnits: new Gauge({
      name: "rappit_inventory_reserved_units",
      help: "Units held by reservations of orders not shipped yet, all shops, at scrape time",
      registers,
    }),
    inventoryOpenReservations: new Gauge({
      name: "rappit_inventory_open_reservations",
      help: "Reservation rows (order x SKU) not settled yet, all shops, at scrape time",
      registers,
    }),
    dependencyUp: new Gauge({
      name: "rappit_dependency_up",
      help: "Whether a dependency answered at scrape time (1) or not (0): database, redis",
      labelNames: ["dependency"] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// On globalThis: the Remix build and server/*.ts are separate module graphs in one process,
// and a second registry would split the counters between them.
const globalForMetrics = globalThis as unknown as { __rappitMetrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.__rappitMetrics ??= createMetrics();
  return globalForMetrics.__rappitMetrics;
}

/** Names of every series this registry exports (alert rules must only use these). */
export async function exportedSeriesNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await metrics().registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${metric.name}${suffix}`);
  }
  return names;
}
