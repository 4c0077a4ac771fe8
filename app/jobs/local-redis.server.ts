// A private redis-server for local commands when REDIS_URL is unset: a free
// loopback port, nothing written to disk, stopped with the process.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `Rappit needs Redis for its job queues, and ${reason}. ` +
        `Install Redis 6.2 or newer so \`redis-server\` is on PATH ` +
        `(Debian/Ubuntu: \`sudo apt-get install redis-server\`; macOS: \`brew install redis\`), ` +
        `or set REDIS_URL to a Redis you run (e.g. REDIS_URL=redis://127.0.0.1:6379).`,
    );
    this.name = "RedisUnavailableError";
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startLocalRedis(binary = "redis-server", port?: number): Promise<LocalRedis> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
     "--maxmemory-policy", "noeviction"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );

  await new Promise<void>((resolve, reject) => {
    let output = "";
    const settle = (error?: Error) => {
      clearTimeout(timer);
      child.off("error", onError);
      child.off("exit", onExit);
      child.stdout?.off("data", onOutput);
      child.stderr?.off("data", onOutput);
      if (error) reject(error);
      else resolve();
    };
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) settle();
    };
    const onError = (error: NodeJS.ErrnoException) =>
      settle(
        new RedisUnavailableError(
          error.code === "ENOENT" ? "REDIS_URL is not set and `redis-server` is not on PATH" : error.message,
        ),
      );
    const onExit = (code: number | null) =>
      settle(new RedisUnavailableError(`redis-server exited with code ${code}:\n${output}`));
    const timer = setTimeout(() => {
      child.kill();
      settle(new RedisUnavailableError(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.once("error", onError);
    child.once("exit", onExit);
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
  });
  // Keep draining its output so a chatty redis-server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
