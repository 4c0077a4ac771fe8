// Reconciliation: webhooks are at-least-once and not guaranteed, so every shop's
// orders updated since the last sync are fetched through the GraphQL Admin API
// and fed through the same ingestion path. Runs every 15 minutes per shop, and
// on demand. Paces itself on the shop's GraphQL cost bucket.
import type { GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import { ensureShopifyChannel } from "../channels/shopify-channel.server";
import { forShop, type Database } from "../db/prisma.server";
import { orderFromGraphql } from "../shopify/order-mapping";
import { costOf, pacedRequest, refillMs, sleep } from "../shopify/paced-graphql.server";
import { ingestAndRoute } from "../fulfillment/pipeline.server";
import type { IngestOutcome } from "./order-ingestion.server";

export const RECONCILE_JOB = "sync.reconcile-shop";
// 10 orders of up to 25 lines keeps a page near 850 cost points, under Shopify's
// 1,000-point ceiling per query. Orders with more lines keep the lines they have.
const PAGE_SIZE = 10;
/** A first sync looks back this far. */
const FIRST_SYNC_LOOKBACK_MS = 60 * 86_400_000;

export const ORDERS_SINCE_QUERY = `#graphql
  query RappitOrdersSince($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id name email phone createdAt updatedAt cancelledAt
        displayFinancialStatus displayFulfillmentStatus paymentGatewayNames
        totalPriceSet { shopMoney { amount currencyCode } }
        customer { id firstName lastName }
        shippingAddress { firstName lastName company address1 address2 city province provinceCode country countryCodeV2 zip phone }
        lineItems(first: 25) {
          nodes { id sku title quantity originalUnitPriceSet { shopMoney { amount currencyCode } } }
          pageInfo { hasNextPage }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface OrdersReply {
  orders: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export interface ReconcileResult {
  fetched: number;
  outcomes: Record<IngestOutcome, number>;
  syncedTo: Date | null;
}

export async function reconcileShopifyOrders(options: {
  db: Database;
  shopId: string;
  client: GraphqlClient;
  logger: Logger;
}): Promise<ReconcileResult> {
  const { db, shopId, client, logger } = options;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const scoped = forShop(shopId, db);
  const channel = await ensureShopifyChannel(scoped, shop.domain);
  const { ordersSyncedTo } = await scoped.channel.findUniqueOrThrow({ where: { id: channel.id } });
  const since = ordersSyncedTo ?? new Date(Date.now() - FIRST_SYNC_LOOKBACK_MS);

  const result: ReconcileResult = { fetched: 0, outcomes: { created: 0, updated: 0, stale: 0 }, syncedTo: ordersSyncedTo };
  let after: string | null = null;
  do {
    // >= rather than >: an order updated in the same second as the watermark is not missed.
    const reply: { data?: OrdersReply; extensions?: unknown } = await pacedRequest<OrdersReply>(client, ORDERS_SINCE_QUERY, { first: PAGE_SIZE, after, query: `updated_at:>='${since.toISOString()}'` }, logger);
    const page: OrdersReply["orders"] = reply.data!.orders;
    for (const node of page.nodes) {
      const order = orderFromGraphql(node);
      result.outcomes[await ingestAndRoute(scoped, channel.id, order)] += 1;
      result.fetched += 1;
      if (!result.syncedTo || order.updatedAt > result.syncedTo) result.syncedTo = order.updatedAt;
    }
    // Pace on the bucket: if the next page would not fit, wait for it to refill
    // rather than be refused (one busy shop only ever waits on its own bucket).
    const cost = costOf(reply.extensions);
    if (page.pageInfo.hasNextPage && cost) await sleep(refillMs(cost, cost.requestedQueryCost));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);

  if (result.syncedTo && result.syncedTo !== ordersSyncedTo) {
    await scoped.channel.update({ where: { id: channel.id }, data: { ordersSyncedTo: result.syncedTo } });
  }
  logger.info({ shop: shop.domain, ...result }, "orders reconciled");
  return result;
}
