// Each connected WooCommerce store: reachable, and its REST keys still accepted
// (GET /system_status, the call the connect flow makes); then the webhooks Rappit created
// there, which WooCommerce disables by itself after repeated failed deliveries. Nothing is written.
import { openCredentials, wooClientFor } from "../channels/woocommerce/credentials.server";
import { WooApiError, WooAuthError, WooUnreachableError } from "../channels/woocommerce/transport.server";
import type { ShopDatabase } from "../db/prisma.server";
import type { DoctorCheck } from "./report";

const RECONNECT = "Reconnect the store in Rappit > Connections (Reconnect): WooCommerce issues new keys.";

export async function wooCommerceChecks(db: ShopDatabase): Promise<DoctorCheck[]> {
  const channels = await db.channel.findMany({
    where: { type: "WOOCOMMERCE", status: { not: "DISCONNECTED" } },
    select: { id: true, externalId: true, credentials: true, status: true, webhookIds: true },
    orderBy: { createdAt: "asc" },
  });
  const checks = await Promise.all(channels.map(async (channel) => {
    const store = await storeCheck(channel);
    return store.status === "OK" ? [store, await webhooksCheck(channel)] : [store];
  }));
  return checks.flat();
}

interface StoredChannel {
  id: string;
  externalId: string;
  credentials: string | null;
  status: string;
  webhookIds: number[];
}

const REPAIR_WEBHOOKS =
  "Reconnect the store in Rappit > Connections: the setup creates the webhooks again. If they were disabled, check that the store can reach this app's SHOPIFY_APP_URL. Orders still arrive by the periodic poll meanwhile.";

async function webhooksCheck(channel: StoredChannel): Promise<DoctorCheck> {
  const name = `WooCommerce ${channel.externalId} webhooks`;
  if (channel.webhookIds.length === 0) {
    return { name, status: "WARN", detail: "Rappit has no webhooks on the store (the connection's setup has not finished)", fix: REPAIR_WEBHOOKS };
  }
  const hooks = await wooClientFor(channel, { timeoutMs: 10_000, attempts: 1 }).listWebhooks();
  const ours = hooks.filter((hook) => channel.webhookIds.includes(hook.id));
  const missing = channel.webhookIds.length - ours.length;
  const inactive = ours.filter((hook) => hook.status !== "active");
  if (missing > 0 || inactive.length > 0) {
    const parts = [
      missing > 0 ? `${missing} of ${channel.webhookIds.length} deleted on the store` : "",
      inactive.length > 0 ? `${inactive.map((hook) => `${hook.topic} ${hook.status}`).join(", ")}` : "",
    ].filter(Boolean);
    return { name, status: "WARN", detail: parts.join("; "), fix: REPAIR_WEBHOOKS };
  }
  return { name, status: "OK", detail: `${ours.length} active (${ours.map((hook) => hook.topic).join(", ")})` };
}

async function storeCheck(channel: StoredChannel): Promise<DoctorCheck> {
  const name = `WooCommerce ${channel.externalId}`;
  try {
    openCredentials(channel);
  } catch (error) {
    return {
      name,
      status: "FAIL",
      detail: `the stored keys cannot be opened (${error instanceof Error ? error.message : String(error)})`,
      fix: `If ENCRYPTION_KEY was changed, put the previous key in ENCRYPTION_KEYS_OLD and run \`npm run keys:rotate\`; otherwise: ${RECONNECT}`,
    };
  }
  try {
    const store = await wooClientFor(channel, { timeoutMs: 10_000, attempts: 1 }).verify();
    const note = channel.status === "CONNECTED" ? "" : ` (the channel still shows ${channel.status} until its next sync)`;
    return { name, status: "OK", detail: `keys accepted${store.wooVersion ? `, WooCommerce ${store.wooVersion}` : ""}${note}` };
  } catch (error) {
    if (error instanceof WooAuthError) {
      return {
        name,
        status: "FAIL",
        detail: `the store refused Rappit's REST keys (HTTP ${error.status}${error.code ? ` ${error.code}` : ""}): they were revoked or deleted in WooCommerce > Settings > Advanced > REST API`,
        fix: RECONNECT,
      };
    }
    if (error instanceof WooUnreachableError) {
      return { name, status: "FAIL", detail: `the store did not answer: ${error.message}`, fix: "Check that the store is online at this address and that its address did not change; if it moved, reconnect it under the new address in Rappit > Connections." };
    }
    if (error instanceof WooApiError) {
      return { name, status: "FAIL", detail: `the store answered HTTP ${error.status}: ${error.message}`, fix: `Check that WooCommerce is active and its REST API reachable (Settings > Advanced > REST API); then: ${RECONNECT}` };
    }
    throw error;
  }
}
