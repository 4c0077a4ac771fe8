// Admin GraphQL calls from background work, paced on the shop's cost bucket
// (`extensions.cost.throttleStatus`): a THROTTLED answer waits for the bucket to
// refill and tries again, a few times, then hands the wait to the job queue
// (retry later, no attempt spent). Each shop only ever waits on its own bucket.
import { GraphqlQueryError, type GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";

interface ThrottleStatus {
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  throttleStatus: ThrottleStatus;
}

export class ShopifyThrottledError extends Error {
  readonly retryable = true;
  /** The worker delays the job by `delayMs` instead of failing an attempt. */
  readonly retryLater = true;
  constructor(readonly delayMs: number) {
    super(`Shopify throttled the query; retry in ${delayMs} ms`);
    this.name = "ShopifyThrottledError";
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function costOf(extensions: unknown): QueryCost | undefined {
  return (extensions as { cost?: QueryCost } | undefined)?.cost;
}

/** How long until the bucket holds `needed` points again. */
export function refillMs(cost: QueryCost, needed: number): number {
  const missing = needed - cost.throttleStatus.currentlyAvailable;
  return missing > 0 ? Math.ceil((1_000 * missing) / cost.throttleStatus.restoreRate) : 0;
}

const IN_PROCESS_WAITS = 3;

export async function pacedRequest<T>(client: GraphqlClient, query: string, variables: Record<string, unknown>, logger: Logger) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.request<T>(query, { variables });
    } catch (error) {
      const body =
        error instanceof GraphqlQueryError
          ? (error.body as { errors?: { graphQLErrors?: Array<{ extensions?: { code?: string } }> }; extensions?: unknown })
          : undefined;
      const throttled = body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED");
      if (!throttled) throw error;
      const cost = costOf(body?.extensions);
      const waitMs = cost ? Math.max(100, refillMs(cost, cost.requestedQueryCost)) : 2_000;
      if (attempt >= IN_PROCESS_WAITS) throw new ShopifyThrottledError(waitMs);
      logger.info({ waitMs }, "throttled by Shopify: waiting for the cost bucket");
      await sleep(waitMs);
    }
  }
}
