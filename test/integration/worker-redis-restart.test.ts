import { spawn, type ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { heartbeatKey } from "~/jobs/heartbeat.server";
import { freePort } from "~/jobs/local-redis.server";
import { startWorkers, type WorkerRuntime } from "~/jobs/worker-runtime.server";

// BullMQ's known failure mode: a worker that silently stops consuming after a Redis
// outage. A private redis-server is killed (SIGKILL) under running workers and started
// again on the same port, empty; a job enqueued afterwards must still be processed.
const prefix = "restart-test";
let server: ChildProcess | undefined;
let runtime: WorkerRuntime | undefined;

function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.resume();
    child.once("error", reject);
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met in time");
}

async function enqueue(url: string, id: string): Promise<void> {
  const queue = new Queue("fulfillment", { connection: { url }, prefix });
  queue.on("error", () => undefined);
  try {
    await queue.add("test.record", { id }, { jobId: id });
  } finally {
    await queue.close();
  }
}

afterAll(async () => {
  await runtime?.stop(1_000);
  if (server) await kill(server);
});

describe("workers across a Redis restart", () => {
  it("keep processing jobs, and their heartbeat comes back, after redis-server is killed and restarted", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    server = await startRedis(port);
    const processed: string[] = [];
    runtime = startWorkers({
      redisUrl: url,
      prefix,
      queues: ["fulfillment"],
      logger: pino({ level: "silent" }),
      deadLetters: false,
      heartbeat: { ttlMs: 2_000, intervalMs: 200 },
      handlers: {
        fulfillment: {
          "test.record": async (data) => {
            processed.push((data as { id: string }).id);
          },
        },
      },
    });
    const probe = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    probe.on("error", () => undefined);
    try {
      await enqueue(url, "before");
      await waitFor(() => processed.includes("before"), 10_000);
      await waitFor(async () => (await probe.exists(heartbeatKey(prefix))) === 1, 5_000);

      await kill(server);
      // Down for longer than the heartbeat's TTL.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      server = await startRedis(port);
      await waitFor(async () => (await probe.ping().catch(() => "")) === "PONG", 5_000);
      expect(await probe.dbsize()).toBe(0); // a fresh, empty Redis

      const enqueuedAt = Date.now();
      await enqueue(url, "after");
      await waitFor(() => processed.includes("after"), 10_000);
      const tookMs = Date.now() - enqueuedAt;
      expect(tookMs).toBeLessThan(8_000);
      await waitFor(async () => (await probe.exists(heartbeatKey(prefix))) === 1, 5_000);
      expect(runtime.workers[0].isRunning()).toBe(true);
    } finally {
      probe.disconnect();
    }
  }, 60_000);
});
