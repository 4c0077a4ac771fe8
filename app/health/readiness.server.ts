// Readiness: the process can serve only when PostgreSQL and Redis both answer.
import type { Redis } from "ioredis";
import type { Database } from "../db/prisma.server";
import { whenConnected } from "../jobs/redis.server";

export type CheckResult = { ok: true; latencyMs: number } | { ok: false; error: string };

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; redis: CheckResult };
}

const CHECK_TIMEOUT_MS = 2_000;

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(deps: { db: Database; redis: Redis }): Promise<Readiness> {
  const [database, redis] = await Promise.all([
    timed(() => deps.db.$queryRaw`SELECT 1`),
    timed(async () => {
      await whenConnected(deps.redis);
      const answer = await deps.redis.ping();
      if (answer !== "PONG") throw new Error(`unexpected PING answer: ${answer}`);
    }),
  ]);
  return { ready: database.ok && redis.ok, checks: { database, redis } };
}
