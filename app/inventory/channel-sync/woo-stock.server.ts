// Rappit's quantities to WooCommerce: absolute stock levels through the batch
// endpoints (≤ 100 items a call, in WooClient.setStock). Absolute values make a
// repeated push harmless; the per-shop push lock keeps an older value from landing
// after a newer one. Each item answers for itself: one refused product never holds
// back the others.
import type { Logger } from "pino";
import { wooClientFor } from "../../channels/woocommerce/credentials.server";
import { WooAuthError } from "../../channels/woocommerce/transport.server";
import type { ShopDatabase } from "../../db/prisma.server";
import { failed, type ChannelOutcome, type PushItem } from "./channel-outcome";

const CHANNEL = "WooCommerce";

/** Pushes each item's `available` to its WooCommerce store; one outcome per item id. */
export async function pushToWooCommerce(db: ShopDatabase, items: PushItem[], logger: Logger): Promise<Map<string, ChannelOutcome>> {
  const outcomes = new Map<string, ChannelOutcome>();
  const byChannel = new Map<string, PushItem[]>();
  for (const item of items) {
    if (!item.wooChannelId || !item.wooProductId) continue;
    byChannel.set(item.wooChannelId, [...(byChannel.get(item.wooChannelId) ?? []), item]);
  }
  for (const [channelId, channelItems] of byChannel) {
    const setAll = (outcome: ChannelOutcome) => channelItems.forEach((item) => outcomes.set(item.id, outcome));
    const channel = await db.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" } });
    if (!channel) {
      setAll(failed(CHANNEL, "the store was removed from Rappit", false));
      continue;
    }
    const name = `${CHANNEL} (${channel.name})`;
    // The merchant disconnected the store on purpose: nothing to retry until it is connected again
    // (its setup then imports the catalog, which queues every item of the store for a push).
    if (channel.status === "DISCONNECTED" || !channel.credentials) {
      setAll(failed(name, "store disconnected: stock is not sent until it is connected again", false));
      continue;
    }
    if (channel.status === "NEEDS_REAUTH") {
      setAll(failed(name, "the store refused Rappit's keys: reconnect it on the Connections page"));
      continue;
    }
    let results;
    try {
      results = await wooClientFor(channel).setStock(
        channelItems.map((item) => ({ productId: item.wooProductId!, variationId: item.wooVariationId, quantity: item.available })),
      );
    } catch (error) {
      if (error instanceof WooAuthError) {
        await db.channel.updateMany({ where: { id: channelId }, data: { status: "NEEDS_REAUTH", lastError: error.message.slice(0, 500) } });
        setAll(failed(name, "the store refused Rappit's keys: reconnect it on the Connections page"));
      } else {
        // Unreachable store: the items stay behind and the sweep tries again within a minute.
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ channelId, err: error }, "WooCommerce stock push failed");
        setAll(failed(name, `store not reachable: ${message}`.slice(0, 300)));
      }
      continue;
    }
    results.forEach((result, index) => {
      const item = channelItems[index];
      outcomes.set(item.id, result.ok ? { ok: true } : failed(name, `${result.message} (${result.code})`.slice(0, 300)));
    });
  }
  return outcomes;
}
