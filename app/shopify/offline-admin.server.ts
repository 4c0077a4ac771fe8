// The one way background work talks to a shop's Admin API: a GraphQL client on a
// fresh offline session (refreshed under the per-shop lock when near expiry).
import type { GraphqlClient } from "@shopify/shopify-api";
import { getConfig } from "../config/env.server";
import { getPrisma } from "../db/prisma.server";
import { getProducerRedis } from "../jobs/redis.server";
import { loggerFor } from "../logging/logger.server";
import { offlineSessionStore } from "../shopify.server";
import { getBackgroundApi } from "./background-api.server";
import { getFreshOfflineSession, type OfflineTokenDeps } from "./offline-token.server";

export function defaultOfflineTokenDeps(): OfflineTokenDeps {
  return {
    db: getPrisma(),
    storage: offlineSessionStore,
    redis: getProducerRedis(),
    refresh: async (shop, refreshToken) => (await getBackgroundApi().auth.refreshToken({ shop, refreshToken })).session,
    logger: loggerFor("offline-token"),
    lockPrefix: getConfig().QUEUE_PREFIX,
  };
}

export async function offlineAdminClient(shop: string, deps = defaultOfflineTokenDeps()): Promise<GraphqlClient> {
  const session = await getFreshOfflineSession(shop, deps);
  return new (getBackgroundApi().clients.Graphql)({ session });
}
