// Each connected WooCommerce store: reachable, and its REST keys still accepted
// (GET /system_status, the call the connect flow makes). Nothing is written.
import { openCredentials, wooClientFor } from "../channels/woocommerce/credentials.server";
import { WooApiError, WooAuthError, WooUnreachableError } from "../channels/woocommerce/transport.server";
import type { ShopDatabase } from "../db/prisma.server";
import type { DoctorCheck } from "./report";

const RECONNECT = "Reconnect the store in Rappit > Connections (Reconnect): WooCommerce issues new keys.";

export async function wooCommerceChecks(db: ShopDatabase): Promise<DoctorCheck[]> {
  const channels = await db.channel.findMany({
    where: { type: "WOOCOMMERCE", status: { not: "DISCONNECTED" } },
    select: { id: true, externalId: true, credentials: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  return Promise.all(channels.map((channel) => storeCheck(channel)));
}

async function storeCheck(channel: { id: string; externalId: string; credentials: string | null; status: string }): Promise<DoctorCheck> {
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
