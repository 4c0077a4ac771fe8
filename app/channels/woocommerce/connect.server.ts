// Connecting a WooCommerce store with wc-auth: the merchant is sent to the store's
// grant page with a single-use nonce as `user_id`; the store POSTs the new REST keys
// to our callback (server to server) and sends the merchant back to our return URL.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import { getConfig } from "../../config/env.server";
import { forShop, type Database, type ShopDatabase } from "../../db/prisma.server";
import { QueueUnavailableError } from "../../jobs/queues.server";
import { recordAudit, type Actor } from "../../security/audit.server";
import { withSystemContext } from "../../security/tenancy";
import { loggerFor } from "../../logging/logger.server";
import { sealCredentials, wooClientFor } from "./credentials.server";
import { credentialsSchema } from "./settings";
import { requestChannelSetup, unscheduleOrderPoll } from "./channel-jobs.server";
import { checkStoreAddress } from "./store-address.server";

export const ATTEMPT_TTL_MS = 15 * 60_000;
export const WOO_CALLBACK_PATH = "/integrations/woocommerce/callback";
export const WOO_RETURN_PATH = "/integrations/woocommerce/return";
export const APP_NAME = "Rappit";

const hashNonce = (nonce: string) => createHash("sha256").update(nonce, "utf8").digest("hex");

export type StartResult = { ok: true; authorizeUrl: string; attemptId: string } | { ok: false; message: string };

/** "Connect WooCommerce store": validates the address and records a fresh attempt. */
export async function startWooConnect(db: ShopDatabase, storeInput: string): Promise<StartResult> {
  const config = getConfig();
  const address = await checkStoreAddress(storeInput, { allowInsecure: config.WOOCOMMERCE_ALLOW_INSECURE_STORES });
  if (!address.ok) return address;

  const nonce = randomBytes(32).toString("base64url");
  const attempt = await db.channelConnectAttempt.create({
    data: { shopId: db.$shopId(), nonceHash: hashNonce(nonce), storeUrl: address.url, expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS) },
    select: { id: true },
  });
  const authorize = new URL(`${address.url}/wc-auth/v1/authorize`);
  authorize.search = new URLSearchParams({
    app_name: APP_NAME,
    scope: "read_write",
    user_id: nonce,
    return_url: new URL(WOO_RETURN_PATH, config.SHOPIFY_APP_URL).toString(),
    callback_url: new URL(WOO_CALLBACK_PATH, config.SHOPIFY_APP_URL).toString(),
  }).toString();
  return { ok: true, authorizeUrl: authorize.toString(), attemptId: attempt.id };
}

const callbackSchema = z.object({
  key_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  // WooCommerce echoes the user_id it was given; PHP may send it as a string or a number.
  user_id: z.union([z.string().min(1), z.number()]).transform(String),
  consumer_key: z.string(),
  consumer_secret: z.string(),
  key_permissions: z.string(),
});

export interface CallbackAnswer {
  status: 200 | 400 | 404 | 409 | 410;
  message: string;
}

async function attemptByNonce(base: Database, nonce: string) {
  return withSystemContext("woocommerce-connect: the store's callback and the merchant's return name no shop", () =>
    base.channelConnectAttempt.findUnique({ where: { nonceHash: hashNonce(nonce) }, include: { shop: { select: { domain: true } } } }),
  );
}

/**
 * The store's POST with the new keys. Only exactly 200 makes WooCommerce keep them,
 * so anything we refuse gets a 4xx and nothing is stored.
 */
export async function acceptWooCallback(base: Database, body: unknown, logger: Logger): Promise<CallbackAnswer> {
  const parsed = callbackSchema.safeParse(body);
  if (!parsed.success) {
    return { status: 400, message: "expected a JSON body with key_id, user_id, consumer_key, consumer_secret and key_permissions" };
  }
  const callback = parsed.data;
  const attempt = await attemptByNonce(base, callback.user_id);
  if (!attempt) return { status: 404, message: "unknown connection attempt" };
  if (attempt.usedAt || attempt.status !== "PENDING") return { status: 409, message: "this connection attempt was already used" };
  if (attempt.expiresAt.getTime() <= Date.now()) return { status: 410, message: "this connection attempt expired: start again from Rappit" };

  const db = forShop(attempt.shopId, base);
  const keys = credentialsSchema.safeParse({ consumerKey: callback.consumer_key, consumerSecret: callback.consumer_secret });
  const problem = !keys.success
    ? "the store sent keys that are not WooCommerce REST keys"
    : callback.key_permissions !== "read_write"
      ? `the store granted "${callback.key_permissions}" access; Rappit needs read_write`
      : null;
  if (problem || !keys.success) {
    await db.channelConnectAttempt.updateMany({
      where: { id: attempt.id, status: "PENDING", usedAt: null },
      data: { status: "FAILED", usedAt: new Date(), error: problem },
    });
    return { status: 400, message: problem ?? "invalid keys" };
  }

  const connected = await db.$transaction(async (tx) => {
    // Claim the attempt first: of two racing callbacks only one gets here.
    const { count } = await tx.channelConnectAttempt.updateMany({
      where: { id: attempt.id, status: "PENDING", usedAt: null },
      data: { usedAt: new Date() },
    });
    if (count === 0) return null;
    const existing = await tx.channel.findUnique({
      where: { shopId_type_externalId: { shopId: tx.$shopId(), type: "WOOCOMMERCE", externalId: attempt.storeUrl } },
    });
    const id = existing?.id ?? randomUUID();
    const fields = {
      status: "CONNECTED",
      lastError: null,
      credentials: sealCredentials(id, keys.data),
      verifiedAt: null,
      disconnectedAt: null,
    };
    const channel = existing
      ? await tx.channel.update({ where: { id }, data: fields })
      : await tx.channel.create({
          data: { id, shopId: tx.$shopId(), type: "WOOCOMMERCE", externalId: attempt.storeUrl, name: new URL(attempt.storeUrl).host, ...fields },
        });
    await tx.channelConnectAttempt.update({ where: { id: attempt.id }, data: { status: "CONNECTED", channelId: channel.id } });
    await recordAudit(tx, {
      actor: { type: "SYSTEM", id: "wc-auth" },
      action: "CHANNEL_CONNECTED",
      subject: { type: "Channel", id: channel.id },
      before: existing ? { status: existing.status } : undefined,
      after: { type: "WOOCOMMERCE", store: attempt.storeUrl, keyId: String(callback.key_id), permissions: callback.key_permissions },
    });
    return channel;
  });
  if (!connected) return { status: 409, message: "this connection attempt was already used" };

  try {
    await requestChannelSetup(attempt.shopId, connected.id);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    // The keys are stored; the connections page offers "Finish setup" when webhooks are missing.
    logger.warn({ channelId: connected.id }, "queue unavailable: WooCommerce channel setup not started");
  }
  return { status: 200, message: "connected" };
}

/** Where the merchant lands after the store's grant page: back into the embedded app. */
export async function acceptWooReturn(base: Database, params: URLSearchParams): Promise<string> {
  const config = getConfig();
  const nonce = params.get("user_id") ?? "";
  const attempt = nonce ? await attemptByNonce(base, nonce) : null;
  if (!attempt) return embeddedAppUrl(null, "/app/connections?connect=unknown");
  if (params.get("success") !== "1") {
    // Deny is a plain link to this URL: nothing reached the callback.
    await forShop(attempt.shopId, base).channelConnectAttempt.updateMany({
      where: { id: attempt.id, status: "PENDING" },
      data: { status: "DENIED", usedAt: new Date() },
    });
  }
  return embeddedAppUrl(attempt.shop.domain, `/app/connections?attempt=${attempt.id}`, config.SHOPIFY_APP_HANDLE);
}

function embeddedAppUrl(shopDomain: string | null, path: string, handle = getConfig().SHOPIFY_APP_HANDLE): string {
  if (!shopDomain) return `https://admin.shopify.com/apps/${handle}${path}`;
  const store = shopDomain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/apps/${handle}${path}`;
}

export type AttemptOutcome =
  | { kind: "connected"; store: string; verified: boolean; status: string; lastError: string | null }
  | { kind: "denied"; store: string }
  | { kind: "failed"; store: string; error: string }
  | { kind: "no-callback"; store: string };

/** What the connections page says about an attempt the merchant just returned from. */
export async function attemptOutcome(db: ShopDatabase, attemptId: string): Promise<AttemptOutcome | null> {
  if (!z.uuid().safeParse(attemptId).success) return null;
  const attempt = await db.channelConnectAttempt.findFirst({ where: { id: attemptId }, include: { channel: true } });
  if (!attempt) return null;
  const store = attempt.storeUrl;
  switch (attempt.status) {
    case "CONNECTED":
      return {
        kind: "connected",
        store,
        verified: Boolean(attempt.channel?.verifiedAt),
        status: attempt.channel?.status ?? "DISCONNECTED",
        lastError: attempt.channel?.lastError ?? null,
      };
    case "DENIED":
      return { kind: "denied", store };
    case "FAILED":
      return { kind: "failed", store, error: attempt.error ?? "the store's answer could not be used" };
    default:
      return { kind: "no-callback", store };
  }
}

/**
 * Removes the webhooks Rappit created on the store, while the keys still work. Best
 * effort: WooCommerce has no API to revoke our own key, and a store that is down must
 * not block the disconnect (its leftover webhooks get 410 until it disables them).
 */
async function removeStoreWebhooks(db: ShopDatabase, channelId: string, logger: Logger): Promise<void> {
  const channel = await db.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" } });
  if (!channel?.credentials || channel.webhookIds.length === 0) return;
  try {
    const client = wooClientFor(channel, { timeoutMs: 5_000, attempts: 1 });
    for (const id of channel.webhookIds) await client.deleteWebhook(id);
  } catch (error) {
    logger.warn({ channelId, err: error instanceof Error ? error.message : String(error) }, "could not remove the store's webhooks");
  }
}

/** "Disconnect": the store's webhooks are removed, the keys and webhook secret deleted; orders already imported stay. */
export async function disconnectWooChannel(db: ShopDatabase, channelId: string, actor: Actor, logger: Logger = loggerFor("woocommerce")): Promise<boolean> {
  await removeStoreWebhooks(db, channelId, logger);
  const disconnected = await db.$transaction(async (tx) => {
    const channel = await tx.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" } });
    if (!channel || channel.status === "DISCONNECTED") return null;
    await tx.channel.update({
      where: { id: channel.id },
      data: { status: "DISCONNECTED", disconnectedAt: new Date(), credentials: null, webhookSecret: null, webhookIds: [] },
    });
    await recordAudit(tx, {
      actor,
      action: "CHANNEL_DISCONNECTED",
      subject: { type: "Channel", id: channel.id },
      before: { status: channel.status },
      after: { status: "DISCONNECTED" },
    });
    return channel;
  });
  if (!disconnected) return false;
  try {
    await unscheduleOrderPoll(channelId);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error; // a leftover schedule skips disconnected channels
  }
  return true;
}
