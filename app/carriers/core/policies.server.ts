// How every carrier call is run: a timeout per attempt, retries with jittered
// exponential backoff for idempotent calls only (a retried POST /ship could buy a
// second label), and one circuit breaker per carrier + environment shared by the
// whole process, so an outage costs five slow calls, not one per job.
//
// Only CarrierTransientError (5xx, network, and our timeouts) counts toward the
// breaker and is retried. Other errors (4xx, 429, re-auth) are neither: the carrier
// answered, so they say nothing about an outage. Token-endpoint failures are not
// counted either: the token service replays one failure to all its callers, which
// would otherwise open the breaker from a single failed request.
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from "cockatiel";
import type { Logger } from "pino";
import { loggerFor } from "../../logging/logger.server";
import { CarrierTransientError, CircuitOpenError } from "./errors";

export { CarrierTransientError, CircuitOpenError, RateLimitedError } from "./errors";
export { CARRIER_RATE_LIMITS, accountRateLimiter, type AccountRateLimiter, type RateLimits } from "./rate-limit.server";

export interface CarrierPolicyKey {
  carrier: string;
  environment: "sandbox" | "production";
}

export interface CarrierPolicyOptions {
  /** Per attempt. Default 15,000. */
  attemptTimeoutMs?: number;
  /** Extra attempts for idempotent calls. Default 2. */
  retries?: number;
  /** Decorrelated-jitter exponential backoff between attempts. Defaults 250 ms → 5 s. */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Breaker settings, used when the carrier + environment's breaker is first created. */
  failureThreshold?: number;
  /** Cool-down before a probe call is let through. Default 30,000. */
  halfOpenAfterMs?: number;
  logger?: Logger;
}

export type BreakerStateName = "closed" | "open" | "half-open";

export interface BreakerStatus {
  carrier: string;
  environment: "sandbox" | "production";
  state: BreakerStateName;
  openedAt: Date | null;
}

export interface CarrierPolicy {
  readonly key: CarrierPolicyKey;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts: { idempotent: boolean }): Promise<T>;
  status(): BreakerStatus;
}

interface BreakerEntry {
  key: CarrierPolicyKey;
  breaker: CircuitBreakerPolicy;
  threshold: number;
  halfOpenAfterMs: number;
  openedAt: number | null;
  halfOpenedAt: number | null;
}

// Process-wide: every connector of one carrier + environment shares its breaker.
const breakers = new Map<string, BreakerEntry>();

const isTransient = (error: unknown) => error instanceof CarrierTransientError;

function breakerFor(key: CarrierPolicyKey, options: CarrierPolicyOptions): BreakerEntry {
  const id = `${key.carrier}:${key.environment}`;
  const existing = breakers.get(id);
  if (existing) return existing;

  const threshold = options.failureThreshold ?? 5;
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  const breaker = circuitBreaker(handleWhen(isTransient), { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(threshold) });
  const entry: BreakerEntry = { key: { ...key }, breaker, threshold, halfOpenAfterMs, openedAt: null, halfOpenedAt: null };
  const logger = options.logger ?? loggerFor("carriers");
  breaker.onStateChange((state) => {
    const fields = { carrier: key.carrier, environment: key.environment };
    if (state === CircuitState.Open) {
      entry.openedAt = Date.now();
      entry.halfOpenedAt = null;
      const last = breaker.lastFailure;
      const reason = last && "error" in last && last.error instanceof Error ? last.error.message : undefined;
      logger.warn({ ...fields, coolDownMs: halfOpenAfterMs, reason }, "carrier circuit opened: calls refused during the cool-down");
    } else if (state === CircuitState.HalfOpen) {
      entry.halfOpenedAt = Date.now();
      logger.info(fields, "carrier circuit half-open: one probe call let through");
    } else if (state === CircuitState.Closed) {
      entry.openedAt = null;
      entry.halfOpenedAt = null;
      logger.info(fields, "carrier circuit closed");
    }
  });
  breakers.set(id, entry);
  return entry;
}

function stateName(state: CircuitState): BreakerStateName {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}

function statusOf(entry: BreakerEntry): BreakerStatus {
  const state = stateName(entry.breaker.state);
  return {
    carrier: entry.key.carrier,
    environment: entry.key.environment,
    state,
    openedAt: state !== "closed" && entry.openedAt !== null ? new Date(entry.openedAt) : null,
  };
}

/** Every breaker this process has, for the carriers page and metrics. */
export function breakerStates(): BreakerStatus[] {
  return [...breakers.values()].map(statusOf);
}

export function carrierPolicy(key: CarrierPolicyKey, options: CarrierPolicyOptions = {}): CarrierPolicy {
  const entry = breakerFor(key, options);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 15_000;
  const perAttempt: TimeoutPolicy = timeout(attemptTimeoutMs, TimeoutStrategy.Aggressive);
  const retrying: RetryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: options.retries ?? 2,
    backoff: new ExponentialBackoff({ initialDelay: options.backoff?.initialDelayMs ?? 250, maxDelay: options.backoff?.maxDelayMs ?? 5_000 }),
  });
  const name = `${key.carrier} (${key.environment})`;

  async function attempt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (entry.breaker.state === CircuitState.HalfOpen) {
      // One probe is out; the others wait for its verdict rather than pile onto a
      // carrier that may still be down. The probe is decided within one attempt timeout.
      const probeLeft = attemptTimeoutMs - (Date.now() - (entry.halfOpenedAt ?? Date.now()));
      throw new CircuitOpenError(`${name} is being probed after an outage: try again shortly`, Math.max(100, probeLeft));
    }
    try {
      return await entry.breaker.execute(async () => {
        try {
          return await perAttempt.execute(({ signal }) => fn(signal));
        } catch (error) {
          if (isTaskCancelledError(error)) throw new CarrierTransientError(`${name}: no answer within ${attemptTimeoutMs} ms`, null);
          throw error;
        }
      });
    } catch (error) {
      if (!isBrokenCircuitError(error)) throw error;
      const left = entry.halfOpenAfterMs - (Date.now() - (entry.openedAt ?? Date.now()));
      throw new CircuitOpenError(
        `${name} failed ${entry.threshold} times in a row: calls are paused for ${Math.ceil(Math.max(0, left) / 1000)} s`,
        Math.max(0, left),
      );
    }
  }

  return {
    key: entry.key,
    execute(fn, opts) {
      // Not retried: a POST that timed out may have been carried out by the carrier.
      if (!opts.idempotent) return attempt(fn);
      return retrying.execute(() => attempt(fn));
    },
    status: () => statusOf(entry),
  };
}
