// Gauges of state every process shares (queues in Redis, dead letters and reservations
// in PostgreSQL), read when Prometheus scrapes the web process. Cheap on purpose: one
// PING and one SELECT 1, six job-count calls (one Redis round trip each) and two
// aggregate queries over small tables (open dead letters, unsettled reservations).
// Worker processes do not export these, so a dashboard sees each value once.
import type { Redis } from "ioredis";
import type { Database } from "../db/prisma.server";
import { checkReadiness } from "../health/readiness.server";
import { QUEUE_NAMES } from "../jobs/queue-names";
import { getQueue } from "../jobs/queues.server";
import { withSystemContext } from "../security/tenancy";
import { metrics } from "./metrics.server";

const JOB_STATES = ["waiting", "delayed", "active", "failed", "prioritized"] as const;

export interface SharedStateDeps {
  db: Database;
  redis: Redis;
}

export async function collectSharedState(deps: SharedStateDeps): Promise<void> {
  const m = metrics();
  const readiness = await checkReadiness({ db: deps.db, redis: deps.redis, workers: false });
  m.dependencyUp.set({ dependency: "database" }, readiness.checks.database.ok ? 1 : 0);
  m.dependencyUp.set({ dependency: "redis" }, readiness.checks.redis.ok ? 1 : 0);
  // A dependency that did not answer leaves its gauges empty rather than stale.
  m.queueJobs.reset();
  m.deadLettersOpen.reset();
  m.inventoryReservedUnits.reset();
  m.inventoryOpenReservations.reset();
  await Promise.all([
    readiness.checks.redis.ok ? collectQueues() : undefined,
    readiness.checks.database.ok ? collectDatabase(deps.db) : undefined,
  ]);
}

async function collectQueues(): Promise<void> {
  const gauge = metrics().queueJobs;
  await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const counts = await getQueue(queue).getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) gauge.set({ queue, state }, counts[state] ?? 0);
    }),
  );
}

async function collectDatabase(db: Database): Promise<void> {
  const m = metrics();
  // Counts across shops, nothing about any one shop leaves the query.
  const [deadLetters, reservations] = await withSystemContext("metrics: counts across every shop at scrape time", () =>
    Promise.all([
      db.deadLetter.groupBy({ by: ["queue"], where: { status: "OPEN" }, _count: { _all: true } }),
      db.inventoryReservation.aggregate({ _sum: { quantity: true }, _count: { _all: true } }),
    ]),
  );
  for (const queue of QUEUE_NAMES) m.deadLettersOpen.set({ queue }, 0);
  for (const group of deadLetters) m.deadLettersOpen.set({ queue: group.queue }, group._count._all);
  m.inventoryReservedUnits.set(reservations._sum.quantity ?? 0);
  m.inventoryOpenReservations.set(reservations._count._all);
}
