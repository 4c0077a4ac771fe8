// Readiness: the process can serve only when PostgreSQL and Redis both answer, and, when
// workers run as their own processes (READYZ_REQUIRE_WORKERS), at least one of them is live.
import type { Redis } from "ioredis";
import { getConfig } from "../config/env.server";
import type { Database } from "../db/prisma.server";
import { countLiveWorkers, HEARTBEAT_TTL_MS } from "../jobs/heartbeat.server";
import { whenConnected } from "../jobs/redis.server";

export type CheckResult = { ok: true; latencyMs: number } | { ok: false; error: string };

export interface Readiness {
  ready: boolean;
  /** `workers` is present only when workers are required. */
  checks: { database: CheckResult; redis: CheckResult; workers?: CheckResult };
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

export interface ReadinessDeps {
  db: Database;
  redis: Redis;
  /**
   * Require a live worker heartbeat under this queue prefix. Default: from the configuration
   * (READYZ_REQUIRE_WORKERS, QUEUE_PREFIX); false never requires one.
   */
  workers?: { prefix: string } | false;
}

function workersRequirement(deps: ReadinessDeps): { prefix: string } | undefined {
  if (deps.workers !== undefined) return deps.workers || undefined;
  const config = getConfig();
  return config.READYZ_REQUIRE_WORKERS ? { prefix: config.QUEUE_PREFIX } : undefined;
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const required = workersRequirement(deps);
  const [database, redis, workers] = await Promise.all([
    timed(() => deps.db.$queryRaw`SELECT 1`),
    timed(async () => {
      await whenConnected(deps.redis);
      const answer = await deps.redis.ping();
      if (answer !== "PONG") throw new Error(`unexpected PING answer: ${answer}`);
    }),
    required
      ? timed(async () => {
          await whenConnected(deps.redis);
          if ((await countLiveWorkers(deps.redis, required.prefix)) === 0) {
            throw new Error(
              `no live worker: no ${required.prefix}:workers:heartbeat:* key refreshed in the last ${HEARTBEAT_TTL_MS / 1000} s (is \`npm run workers\` running?)`,
            );
          }
        })
      : undefined,
  ]);
  const checks: Readiness["checks"] = workers ? { database, redis, workers } : { database, redis };
  return { ready: database.ok && redis.ok && (workers?.ok ?? true), checks };
}
