// A WooCommerce channel's secrets (REST keys, webhook secret) are stored encrypted,
// each bound to its channel row and column; this is the only place that opens them.
import { getConfig } from "../../config/env.server";
import { getCipher } from "../../security/cipher.server";
import { rowBinding } from "../../security/encrypted-columns";
import { publicInternetDispatcher } from "../../security/public-address.server";
import { WooClient } from "./client.server";
import { credentialsSchema, type WooCredentials } from "./settings";
import { createWooTransport, type WooTransportOptions } from "./transport.server";

export class ChannelNotConnectedError extends Error {
  constructor(channelId: string) {
    super(`channel ${channelId} has no stored keys: connect the store again`);
    this.name = "ChannelNotConnectedError";
  }
}

export function sealCredentials(channelId: string, credentials: WooCredentials): string {
  return getCipher().encrypt(JSON.stringify(credentials), rowBinding("Channel", channelId, "credentials"));
}

export function openCredentials(channel: { id: string; credentials: string | null }): WooCredentials {
  if (!channel.credentials) throw new ChannelNotConnectedError(channel.id);
  const plain = getCipher().decrypt(channel.credentials, rowBinding("Channel", channel.id, "credentials"));
  return credentialsSchema.parse(JSON.parse(plain));
}

export function sealWebhookSecret(channelId: string, secret: string): string {
  return getCipher().encrypt(secret, rowBinding("Channel", channelId, "webhookSecret"));
}

export function openWebhookSecret(channel: { id: string; webhookSecret: string | null }): string | null {
  return channel.webhookSecret ? getCipher().decrypt(channel.webhookSecret, rowBinding("Channel", channel.id, "webhookSecret")) : null;
}

/** The REST client of a connected store: public addresses only, unless the dev setting allows the emulator. */
export function wooClientFor(
  channel: { id: string; externalId: string; credentials: string | null },
  options: Pick<WooTransportOptions, "timeoutMs" | "attempts"> = {},
): WooClient {
  const allowInsecure = getConfig().WOOCOMMERCE_ALLOW_INSECURE_STORES;
  return new WooClient(
    createWooTransport(
      { url: channel.externalId, credentials: openCredentials(channel) },
      { ...options, allowInsecure, dispatcher: allowInsecure ? undefined : publicInternetDispatcher() },
    ),
  );
}
