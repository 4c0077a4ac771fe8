// Rappit's quantities to Shopify: read what Shopify shows at each item's location,
// then ONE inventoryAdjustQuantities per batch for the items that differ, each change
// a compare-and-swap from the quantity just read (changeFromQuantity) under an
// idempotency key derived from the job. A stale answer (someone changed Shopify in
// between) is re-read and tried again a few times; then the job fails and retries.
import type { GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import type { ShopDatabase } from "../../db/prisma.server";
import { offlineAdminClient } from "../../shopify/offline-admin.server";
import { ShopNeedsReauthError } from "../../shopify/offline-token.server";
import { sleep } from "../../shopify/paced-graphql.server";
import { failed, type ChannelOutcome, type PushItem } from "./channel-outcome";
import { ADJUST_BATCH, changeFor, idempotencyKey, type ShopifyChange, type ShopifyTarget } from "./shopify-inventory-mapping";
import { adjustAvailable, readAvailable } from "./shopify-inventory.server";

const CHANNEL = "Shopify";
export const STALE_RETRIES = 3;
const STALE_BACKOFF_MS = 150;

export interface ShopForPush {
  id: string;
  domain: string;
  tokenStatus: string;
  primaryLocationId: string | null;
}

/** Shopify kept changing under us: the job fails and BullMQ retries it with backoff. */
export class StaleQuantityError extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(`Shopify's quantity kept changing during the push: ${message}`);
    this.name = "StaleQuantityError";
  }
}

export interface ShopifyPushDeps {
  /** The shop's Admin API client (default: the offline token's). */
  client?: (domain: string) => Promise<GraphqlClient>;
}

export async function pushToShopify(
  db: ShopDatabase,
  shop: ShopForPush,
  items: PushItem[],
  jobId: string,
  logger: Logger,
  deps: ShopifyPushDeps = {},
): Promise<Map<string, ChannelOutcome>> {
  const outcomes = new Map<string, ChannelOutcome>();
  const mapped = items.filter((item) => item.shopifyInventoryItemId);
  if (mapped.length === 0) return outcomes;
  const setAll = (list: PushItem[], outcome: ChannelOutcome) => list.forEach((item) => outcomes.set(item.id, outcome));

  const channel = await db.channel.findFirst({ where: { type: "SHOPIFY", externalId: shop.domain }, select: { status: true } });
  if (channel?.status === "DISCONNECTED") {
    setAll(mapped, failed(CHANNEL, "the Shopify channel is disconnected", false));
    return outcomes;
  }
  const reauth = failed(CHANNEL, "Shopify needs an admin to open Rappit again (its access was refused); stock is sent after that");
  if (shop.tokenStatus === "NEEDS_REAUTH") {
    setAll(mapped, reauth);
    return outcomes;
  }
  let client: GraphqlClient;
  try {
    client = await (deps.client ?? ((domain) => offlineAdminClient(domain)))(shop.domain);
  } catch (error) {
    if (!(error instanceof ShopNeedsReauthError)) throw error;
    setAll(mapped, reauth);
    return outcomes;
  }

  const byLocation = new Map<string, ShopifyTarget[]>();
  for (const item of mapped) {
    const locationId = item.shopifyLocationId ?? shop.primaryLocationId;
    if (!locationId) {
      outcomes.set(item.id, failed(CHANNEL, "no Shopify location is known yet: open Rappit in the Shopify admin once"));
      continue;
    }
    const target: ShopifyTarget = { itemId: item.id, inventoryItemId: item.shopifyInventoryItemId!, locationId, version: item.version, target: item.available };
    byLocation.set(locationId, [...(byLocation.get(locationId) ?? []), target]);
  }
  for (const [locationId, targets] of byLocation) {
    for (let i = 0; i < targets.length; i += ADJUST_BATCH) {
      await pushBatch(client, locationId, targets.slice(i, i + ADJUST_BATCH), jobId, outcomes, logger);
    }
  }
  return outcomes;
}

async function pushBatch(client: GraphqlClient, locationId: string, batch: ShopifyTarget[], jobId: string, outcomes: Map<string, ChannelOutcome>, logger: Logger) {
  let pending = batch;
  let staleAttempts = 0;
  for (;;) {
    const current = await readAvailable(client, pending.map((t) => t.inventoryItemId), locationId, logger);
    const changes: Array<ShopifyChange & { version: number; itemId: string }> = [];
    for (const target of pending) {
      const quantity = current.get(target.inventoryItemId);
      if (quantity === null || quantity === undefined) {
        outcomes.set(target.itemId, failed(CHANNEL, "the item is not stocked at its Shopify location (or was deleted in Shopify)"));
        continue;
      }
      const change = changeFor(target, quantity);
      if (!change) outcomes.set(target.itemId, { ok: true });
      else changes.push({ ...change, version: target.version, itemId: target.itemId });
    }
    if (changes.length === 0) return;

    const key = idempotencyKey(jobId, changes);
    const outcome = await adjustAvailable(
      client,
      changes.map(({ delta, inventoryItemId, locationId: location, changeFromQuantity }) => ({ delta, inventoryItemId, locationId: location, changeFromQuantity })),
      key,
      logger,
    );
    if (outcome.status === "applied") {
      for (const change of changes) outcomes.set(change.itemId, { ok: true });
      return;
    }
    if (outcome.status === "stale") {
      staleAttempts += 1;
      if (staleAttempts > STALE_RETRIES) throw new StaleQuantityError(outcome.message);
      logger.info({ attempt: staleAttempts }, "Shopify quantity changed since it was read: reading again");
      await sleep(STALE_BACKOFF_MS * 2 ** (staleAttempts - 1));
      pending = changes.map((change) => pending.find((t) => t.itemId === change.itemId)!);
      continue;
    }
    // Refused. Shopify names the change at fault by its index: that item fails, the rest go again.
    const named = new Set<number>();
    for (const error of outcome.errors) {
      const index = error.field && error.field[0] === "input" && error.field[1] === "changes" ? Number(error.field[2]) : NaN;
      if (Number.isInteger(index) && changes[index]) {
        named.add(index);
        outcomes.set(changes[index].itemId, failed(CHANNEL, `${error.message}${error.code ? ` (${error.code})` : ""}`.slice(0, 300)));
      }
    }
    if (named.size === 0) {
      const message = outcome.errors.map((e) => e.message).join("; ").slice(0, 300);
      for (const change of changes) outcomes.set(change.itemId, failed(CHANNEL, message));
      return;
    }
    pending = changes.filter((_, index) => !named.has(index)).map((change) => pending.find((t) => t.itemId === change.itemId)!);
    if (pending.length === 0) return;
  }
}
