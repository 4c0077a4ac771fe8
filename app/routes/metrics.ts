// GET /metrics for Prometheus (bearer METRICS_TOKEN): this process's series plus the
// shared queue and database gauges, read now. Workers serve their own (METRICS_PORT).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config/env.server";
import { getPrisma } from "~/db/prisma.server";
import { getProducerRedis } from "~/jobs/redis.server";
import { scrapeResponse } from "~/metrics/scrape.server";
import { collectSharedState } from "~/metrics/shared-state.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  scrapeResponse(request.headers.get("authorization"), getConfig().METRICS_TOKEN, () =>
    collectSharedState({ db: getPrisma(), redis: getProducerRedis() }),
  );
