// Readiness for load balancers and orchestrators: 503 names the dependency that failed.
import { getPrisma } from "~/db/prisma.server";
import { checkReadiness } from "~/health/readiness.server";
import { getProducerRedis } from "~/jobs/redis.server";

export const loader = async () => {
  const readiness = await checkReadiness({ db: getPrisma(), redis: getProducerRedis() });
  const failed = Object.entries(readiness.checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  return Response.json(
    { status: readiness.ready ? "ready" : "unavailable", failed, checks: readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
};
