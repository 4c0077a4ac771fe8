import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  CarrierTransientError,
  CircuitOpenError,
  RateLimitedError,
  breakerStates,
  carrierPolicy,
  type CarrierPolicyOptions,
} from "~/carriers/core/policies.server";
import { isRetryLater } from "~/jobs/worker-runtime.server";

const silent = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function policyFor(options: CarrierPolicyOptions = {}, environment: "sandbox" | "production" = "sandbox") {
  const carrier = `test-${randomBytes(3).toString("hex")}`;
  return carrierPolicy({ carrier, environment }, { logger: silent, attemptTimeoutMs: 100, halfOpenAfterMs: 300, backoff: { initialDelayMs: 5, maxDelayMs: 20 }, ...options });
}

/** A fake carrier: each call takes the next behaviour; counts the calls that reach it. */
function fakeCarrier(...behaviours: Array<"ok" | "503" | "hang" | "429" | "400">) {
  const fake = {
    calls: 0,
    async call(signal: AbortSignal): Promise<string> {
      const behaviour = behaviours[Math.min(fake.calls, behaviours.length - 1)];
      fake.calls += 1;
      if (behaviour === "503") throw new CarrierTransientError("The service is currently unavailable.", 503);
      if (behaviour === "429") throw new RateLimitedError("Too many requests", 10_000);
      if (behaviour === "400") throw new Error("ACCOUNTNUMBER.REGISTRATION.REQUIRED");
      if (behaviour === "hang") {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        throw new Error("aborted");
      }
      return "ok";
    },
  };
  return fake;
}

describe("carrier circuit breaker", () => {
  it("opens after exactly 5 consecutive timeouts or 5xx, then refuses without calling", async () => {
    const policy = policyFor();
    const fake = fakeCarrier("503", "hang", "503", "hang", "503", "ok");
    for (let i = 0; i < 5; i++) {
      expect(policy.status().state).toBe("closed");
      await expect(policy.execute((signal) => fake.call(signal), { idempotent: false })).rejects.toBeInstanceOf(CarrierTransientError);
    }
    expect(fake.calls).toBe(5);
    expect(policy.status()).toMatchObject({ state: "open" });
    expect(policy.status().openedAt).toBeInstanceOf(Date);

    const refused = await policy.execute((signal) => fake.call(signal), { idempotent: true }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).delayMs).toBeGreaterThan(0);
    expect((refused as CircuitOpenError).delayMs).toBeLessThanOrEqual(300);
    expect(isRetryLater(refused)).toBe(true);
    expect(fake.calls).toBe(5);
    expect(breakerStates()).toContainEqual(policy.status());
  });

  it("reports a timeout as a transient failure naming the limit", async () => {
    const policy = policyFor();
    await expect(policy.execute((signal) => fakeCarrier("hang").call(signal), { idempotent: false })).rejects.toThrow(/no answer within 100 ms/);
  });

  it("half-opens after the cool-down, lets one probe through, and closes on its success", async () => {
    const policy = policyFor();
    const fake = fakeCarrier("503", "503", "503", "503", "503", "ok");
    for (let i = 0; i < 5; i++) await policy.execute((signal) => fake.call(signal), { idempotent: false }).catch(() => undefined);
    expect(policy.status().state).toBe("open");
    await sleep(320);

    // The probe is slow; a call arriving meanwhile is refused rather than piled on.
    const slowOk = async () => {
      fake.calls += 1;
      await sleep(50);
      return "probe ok";
    };
    const probe = policy.execute(slowOk, { idempotent: false });
    expect(policy.status().state).toBe("half-open");
    await expect(policy.execute((signal) => fake.call(signal), { idempotent: false })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(await probe).toBe("probe ok");
    expect(policy.status()).toMatchObject({ state: "closed", openedAt: null });
    expect(await policy.execute((signal) => fake.call(signal), { idempotent: false })).toBe("ok");
    expect(fake.calls).toBe(7);
  });

  it("reopens when the probe fails", async () => {
    const policy = policyFor();
    const fake = fakeCarrier("503");
    for (let i = 0; i < 5; i++) await policy.execute((signal) => fake.call(signal), { idempotent: false }).catch(() => undefined);
    await sleep(320);
    await expect(policy.execute((signal) => fake.call(signal), { idempotent: false })).rejects.toBeInstanceOf(CarrierTransientError);
    expect(policy.status().state).toBe("open");
    expect(fake.calls).toBe(6);
  });

  it("does not count 429s or other carrier answers toward the breaker", async () => {
    const policy = policyFor();
    const limited = fakeCarrier("429");
    for (let i = 0; i < 8; i++) await expect(policy.execute((signal) => limited.call(signal), { idempotent: true })).rejects.toBeInstanceOf(RateLimitedError);
    const refused = fakeCarrier("400");
    for (let i = 0; i < 8; i++) await expect(policy.execute((signal) => refused.call(signal), { idempotent: true })).rejects.toThrow("ACCOUNTNUMBER");
    expect(limited.calls).toBe(8); // neither retried
    expect(refused.calls).toBe(8);
    expect(policy.status().state).toBe("closed");
  });

  it("keeps one breaker per carrier and environment, shared by every policy object", async () => {
    const sandbox = policyFor();
    const again = carrierPolicy(sandbox.key, { logger: silent });
    const production = carrierPolicy({ carrier: sandbox.key.carrier, environment: "production" }, { logger: silent });
    const fake = fakeCarrier("503");
    for (let i = 0; i < 5; i++) await again.execute((signal) => fake.call(signal), { idempotent: false }).catch(() => undefined);
    expect(sandbox.status().state).toBe("open");
    expect(production.status().state).toBe("closed");
  });
});

describe("carrier retries", () => {
  it("retries an idempotent call on transient failures with backoff", async () => {
    const policy = policyFor();
    const fake = fakeCarrier("503", "hang", "ok");
    expect(await policy.execute((signal) => fake.call(signal), { idempotent: true })).toBe("ok");
    expect(fake.calls).toBe(3);
  });

  it("gives up after the configured retries", async () => {
    const policy = policyFor({ retries: 1 });
    const fake = fakeCarrier("503");
    await expect(policy.execute((signal) => fake.call(signal), { idempotent: true })).rejects.toBeInstanceOf(CarrierTransientError);
    expect(fake.calls).toBe(2);
  });

  it("never retries a non-idempotent call", async () => {
    const policy = policyFor();
    const fake = fakeCarrier("hang", "ok");
    await expect(policy.execute((signal) => fake.call(signal), { idempotent: false })).rejects.toBeInstanceOf(CarrierTransientError);
    expect(fake.calls).toBe(1);
  });

  it("stops retrying once the breaker opens", async () => {
    const policy = policyFor({ retries: 10 });
    const fake = fakeCarrier("503");
    const error = await policy.execute((signal) => fake.call(signal), { idempotent: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(fake.calls).toBe(5);
  });
});
