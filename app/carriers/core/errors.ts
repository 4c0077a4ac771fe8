// Failures of a carrier call that mean "not now" rather than "never". The worker
// runtime moves a job that throws a `retryLater` error back to delayed for
// `delayMs`, without spending one of its attempts.

/** The carrier (429) or our own per-account limiter says: slow down. Never counts toward the breaker. */
export class RateLimitedError extends Error {
  readonly retryLater = true;
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = "RateLimitedError";
  }
}

/** The carrier's circuit is open: calls are refused until the cool-down is over. */
export class CircuitOpenError extends Error {
  readonly retryLater = true;
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = "CircuitOpenError";
  }
}

/**
 * A timeout, network error or 5xx: the carrier may answer next time. Connectors
 * throw it; the policy retries it (idempotent calls only) and the breaker counts it.
 */
export class CarrierTransientError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "CarrierTransientError";
  }
}
