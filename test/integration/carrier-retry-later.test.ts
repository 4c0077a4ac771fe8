import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "~/carriers/core/policies.server";
import { startWorkers, type WorkerRuntime } from "~/jobs/worker-runtime.server";

const redisUrl = process.env.REDIS_URL!;
const prefix = `${process.env.QUEUE_PREFIX}-retry-later-${randomBytes(3).toString("hex")}`;
const runs: Array<{ at: number; attempt: number }> = [];
let queue: Queue;
let runtime: WorkerRuntime;

beforeAll(() => {
  queue = new Queue("fulfillment", { connection: { url: redisUrl }, prefix });
  runtime = startWorkers({
    redisUrl,
    prefix,
    queues: ["fulfillment"],
    logger: pino({ level: "silent" }),
    handlers: {
      fulfillment: {
        "test.rate-limited-once": async (_data, context) => {
          runs.push({ at: Date.now(), attempt: context.attempt });
          if (runs.length === 1) throw new RateLimitedError("FedEx asked us to slow down", 700);
          return "bought";
        },
      },
    },
  });
});

afterAll(async () => {
  await runtime.stop(1_000);
  await queue.obliterate({ force: true });
  await queue.close();
});

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("condition not met in time");
}

describe("retry-later errors in the worker runtime", () => {
  it("delays the job without spending an attempt, then runs it again after the delay", async () => {
    // One attempt only: had the delay spent it, the job would now be failed.
    const job = await queue.add("test.rate-limited-once", {}, { jobId: `later-${randomBytes(3).toString("hex")}`, attempts: 1 });

    const delayed = await waitFor(async () => ((await job.getState()) === "delayed" ? queue.getJob(job.id!) : undefined));
    expect(delayed!.attemptsMade).toBe(0);
    expect(runs).toHaveLength(1);

    const done = await waitFor(async () => {
      const current = await queue.getJob(job.id!);
      return (await current!.getState()) === "completed" ? current : undefined;
    });
    expect(done!.returnvalue).toBe("bought");
    expect(runs).toHaveLength(2);
    expect(runs.map((run) => run.attempt)).toEqual([1, 1]);
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(690);
  });
});
