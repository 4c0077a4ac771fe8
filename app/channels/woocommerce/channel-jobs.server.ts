// Background work of a WooCommerce channel, on the `sync` queue: setup after the
// keys arrive (verify, webhooks, first import, schedule) and the order poll, which
// is the source of truth because WooCommerce sends each webhook once, without retry.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import { getConfig } from "../../config/env.server";
import { forShop, getPrisma, type ShopDatabase } from "../../db/prisma.server";
import { enqueue, getQueue } from "../../jobs/queues.server";
import { requestCatalogImport } from "../../inventory/channel-sync/catalog-requests.server";
import { loggerFor } from "../../logging/logger.server";
import { openWebhookSecret, sealWebhookSecret, wooClientFor } from "./credentials.server";
import { ingestWooOrder } from "./order-ingest.server";
import { WooAuthError, WooApiError } from "./transport.server";

export const SETUP_JOB = "woocommerce.setup-channel";
export const POLL_JOB = "woocommerce.poll-orders";
export const POLL_EVERY_MS = 5 * 60_000;
/** Orders modified this long before the watermark are read again: store clocks and commits are not instantaneous. */
export const POLL_OVERLAP_MS = 2 * 60_000;
export const WEBHOOK_TOPICS = ["order.created", "order.updated"] as const;

const jobSchema = z.object({ shopId: z.uuid(), channelId: z.uuid() });
const pollSchedulerId = (channelId: string) => `woo-poll-${channelId}`;

export const webhookDeliveryUrl = (channelId: string) => new URL(`/webhooks/woocommerce/${channelId}`, getConfig().SHOPIFY_APP_URL).toString();

export async function requestChannelSetup(shopId: string, channelId: string): Promise<void> {
  // One setup per connection: a reconnect stores new keys and runs it again.
  await enqueue({ queue: "sync", name: SETUP_JOB, data: { shopId, channelId }, jobId: `woo-setup-${channelId}-${Date.now()}` });
}

/** "Sync now" and the first import: one run per channel per minute at most. */
export async function requestOrderPoll(shopId: string, channelId: string): Promise<void> {
  const minute = Math.floor(Date.now() / 60_000);
  await enqueue({ queue: "sync", name: POLL_JOB, data: { shopId, channelId }, jobId: `woo-poll-${channelId}-${minute}` });
}

export async function scheduleOrderPoll(shopId: string, channelId: string): Promise<void> {
  await getQueue("sync").upsertJobScheduler(pollSchedulerId(channelId), { every: POLL_EVERY_MS }, { name: POLL_JOB, data: { shopId, channelId } });
}

export async function unscheduleOrderPoll(channelId: string): Promise<void> {
  await getQueue("sync").removeJobScheduler(pollSchedulerId(channelId));
}

async function connectedChannel(db: ShopDatabase, channelId: string) {
  const shop = await getPrisma().shop.findUnique({ where: { id: db.$shopId() } });
  if (!shop || shop.uninstalledAt || shop.redactedAt) return null;
  const channel = await db.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" } });
  return channel && channel.status !== "DISCONNECTED" && channel.credentials ? channel : null;
}

/** A 401 means the keys were revoked in WooCommerce: the merchant must reconnect. */
async function recordApiFailure(db: ShopDatabase, channelId: string, error: unknown): Promise<boolean> {
  if (error instanceof WooAuthError) {
    await db.channel.updateMany({ where: { id: channelId }, data: { status: "NEEDS_REAUTH", lastError: error.message } });
    return true;
  }
  return false;
}

export async function runChannelSetup(data: unknown, logger: Logger = loggerFor("woocommerce")) {
  const { shopId, channelId } = jobSchema.parse(data);
  const db = forShop(shopId);
  const channel = await connectedChannel(db, channelId);
  if (!channel) return { skipped: "channel not connected" };
  const client = wooClientFor(channel);
  try {
    const store = await client.verify();
    await db.channel.updateMany({ where: { id: channelId }, data: { status: "CONNECTED", lastError: null, verifiedAt: new Date() } });

    // Our own secret for the store's webhooks (WooCommerce would otherwise make a guessable one).
    const secret = openWebhookSecret(channel) ?? randomBytes(32).toString("base64url");
    const url = webhookDeliveryUrl(channelId);
    const existing = await client.listWebhooks();
    // Webhooks of an earlier connection of this channel are replaced, so exactly one per topic remains.
    for (const hook of existing.filter((h) => h.delivery_url === url)) await client.deleteWebhook(hook.id);
    const ids: number[] = [];
    for (const topic of WEBHOOK_TOPICS) {
      const created = await client.createWebhook({ name: `Rappit ${topic}`, topic, deliveryUrl: url, secret });
      ids.push(created.id);
    }
    await db.channel.updateMany({ where: { id: channelId }, data: { webhookSecret: sealWebhookSecret(channelId, secret), webhookIds: ids } });
    await scheduleOrderPoll(shopId, channelId);
    await requestOrderPoll(shopId, channelId);
    await requestCatalogImport(shopId); // map the store's SKUs, import quantities of new ones
    logger.info({ channelId, store: store.storeUrl, wooVersion: store.wooVersion }, "WooCommerce channel set up");
    return { verified: true, webhooks: ids.length };
  } catch (error) {
    if (await recordApiFailure(db, channelId, error)) return { needsReauth: true };
    const message = error instanceof Error ? error.message : String(error);
    await db.channel.updateMany({ where: { id: channelId }, data: { status: "ERROR", lastError: message.slice(0, 500) } });
    throw error;
  }
}

/** Imports every order modified since the watermark through the shared ingestion path. */
export async function runOrderPoll(data: unknown, logger: Logger = loggerFor("woocommerce")) {
  const { shopId, channelId } = jobSchema.parse(data);
  const db = forShop(shopId);
  const channel = await connectedChannel(db, channelId);
  if (!channel || channel.status === "NEEDS_REAUTH") return { skipped: "channel not connected" };
  const client = wooClientFor(channel);
  const since = channel.ordersSyncedTo ? new Date(channel.ordersSyncedTo.getTime() - POLL_OVERLAP_MS) : null;
  let watermark = channel.ordersSyncedTo;
  const outcomes: Record<string, number> = {};
  try {
    for await (const page of client.listOrdersModifiedAfter(since)) {
      for (const raw of page) {
        const { outcome, updatedAt } = await ingestWooOrder(db, channelId, raw);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (!watermark || updatedAt > watermark) watermark = updatedAt;
      }
      // Progress survives a failure on a later page.
      await db.channel.updateMany({ where: { id: channelId }, data: { ordersSyncedTo: watermark } });
    }
    await db.channel.updateMany({ where: { id: channelId, status: "ERROR" }, data: { status: "CONNECTED", lastError: null } });
  } catch (error) {
    if (await recordApiFailure(db, channelId, error)) return { needsReauth: true, outcomes };
    if (error instanceof WooApiError) {
      await db.channel.updateMany({ where: { id: channelId }, data: { status: "ERROR", lastError: error.message.slice(0, 500) } });
    }
    throw error;
  }
  logger.info({ channelId, outcomes }, "WooCommerce orders polled");
  return { outcomes, watermark: watermark?.toISOString() ?? null };
}
