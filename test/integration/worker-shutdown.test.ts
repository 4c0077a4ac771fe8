import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The worker runs in a child process so it can be sent a real SIGTERM.
const redisUrl = process.env.REDIS_URL!;
const prefix = `${process.env.QUEUE_PREFIX}-shutdown-${randomBytes(3).toString("hex")}`;
let queue: Queue;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl);
  queue = new Queue("fulfillment", { connection: { url: redisUrl }, prefix });
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  // The fixture's "started" markers live beside the queue under the same prefix.
  const markers = await redis.keys(`${prefix}:started:*`);
  if (markers.length > 0) await redis.del(...markers);
  redis.disconnect();
});

function startWorker(graceMs: number): { child: ChildProcess; exited: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/job-worker.ts"], {
    env: { ...process.env, QUEUE_PREFIX: prefix, WORKER_SHUTDOWN_GRACE_MS: String(graceMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout })),
  );
  return { child, exited };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition not met in time");
}

describe("worker shutdown on SIGTERM", () => {
  it("lets a running job finish, then exits cleanly", async () => {
    const id = `finish-${randomBytes(3).toString("hex")}`;
    const job = await queue.add("test.sleep", { ms: 1_500, id }, { jobId: id });
    const worker = startWorker(10_000);

    await waitFor(async () => (await redis.get(`${prefix}:started:${id}`)) === "1");
    worker.child.kill("SIGTERM");
    const { code, stdout } = await worker.exited;

    expect(code).toBe(0);
    const after = await queue.getJob(job.id!);
    expect(await after!.getState()).toBe("completed");
    expect(after!.returnvalue).toEqual({ sleptMs: 1_500 });
    expect(JSON.parse(stdout.trim())).toEqual({ returnedToQueue: 0 });
  });

  it("returns a job still running after the grace period to the queue, without spending an attempt", async () => {
    const id = `long-${randomBytes(3).toString("hex")}`;
    const job = await queue.add("test.sleep", { ms: 60_000, id }, { jobId: id, attempts: 3 });
    const worker = startWorker(300);

    await waitFor(async () => (await redis.get(`${prefix}:started:${id}`)) === "1");
    worker.child.kill("SIGTERM");
    const { code, stdout } = await worker.exited;

    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({ returnedToQueue: 1 });
    const after = await queue.getJob(job.id!);
    expect(await after!.getState()).toBe("waiting");
    expect(after!.attemptsMade).toBe(0);

    // A new worker picks it up again: nothing was lost.
    await redis.del(`${prefix}:started:${id}`);
    const next = startWorker(300);
    await waitFor(async () => (await redis.get(`${prefix}:started:${id}`)) === "1");
    next.child.kill("SIGTERM");
    await next.exited;
  });

  it.each([
    ["a job with no handler", "test.no-such-job", 'No handler for job "test.no-such-job" on queue "fulfillment"'],
    ["a job whose error is not retryable", "test.permanent-failure", "shop needs re-authentication"],
  ])("fails %s at once, without retries, keeping the reason", async (_case, name, reason) => {
    const id = `once-${randomBytes(3).toString("hex")}`;
    const job = await queue.add(name, {}, { jobId: id, attempts: 5, backoff: { type: "fixed", delay: 10 } });
    const worker = startWorker(1_000);
    await waitFor(async () => (await (await queue.getJob(job.id!))!.getState()) === "failed");
    worker.child.kill("SIGTERM");
    await worker.exited;
    const after = await queue.getJob(job.id!);
    expect(after!.attemptsMade).toBe(1);
    expect(after!.failedReason).toBe(reason);
  });
});
