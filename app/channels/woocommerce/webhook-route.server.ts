// POST /webhooks/woocommerce/:channelId: answer the unsigned creation ping, verify
// X-WC-Webhook-Signature with the channel's secret, record once, enqueue, 200.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPrisma } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { recordWebhookDelivery, webhookOutcomeOf } from "../../metrics/record.server";
import { withSystemContext } from "../../security/tenancy";
import { recordAndEnqueue } from "../../webhooks/inbound-events.server";
import { openWebhookSecret } from "./credentials.server";

const logger = loggerFor("woocommerce-webhooks");
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** base64(HMAC-SHA256(raw body, secret)), compared in constant time. */
export function validWooSignature(rawBody: Buffer, secret: string, header: string | null): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const resourceSchema = z.object({ id: z.union([z.number(), z.string()]), date_modified_gmt: z.string().optional() }).loose();

export async function wooWebhookAction({ request, params }: ActionFunctionArgs): Promise<Response> {
  const started = performance.now();
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > MAX_BODY_BYTES) return text(413, "payload too large");
  const signature = request.headers.get("x-wc-webhook-signature");

  // WooCommerce pings a new webhook with an unsigned form body `webhook_id=N` and wants exactly 200.
  if (!signature && /^webhook_id=\d+$/.test(raw.toString("utf8").trim())) return text(200, "pong");

  const channelId = params.channelId ?? "";
  if (!z.uuid().safeParse(channelId).success) return text(404, "unknown channel");
  const db = getPrisma();
  const channel = await withSystemContext("woocommerce webhook: the URL names the channel, the signature proves the store", () =>
    db.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" }, select: { id: true, shopId: true, status: true, webhookSecret: true } }),
  );
  if (!channel) return text(404, "unknown channel");
  const secret = openWebhookSecret(channel);
  if (!secret || !validWooSignature(raw, secret, signature)) {
    recordWebhookDelivery("woocommerce", null, "bad_signature", started);
    return text(401, "invalid signature");
  }
  // A disconnected channel's leftover webhooks fail until WooCommerce disables them.
  if (channel.status === "DISCONNECTED") return text(410, "channel disconnected");

  const topic = request.headers.get("x-wc-webhook-topic") ?? "";
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    return text(400, "body is not JSON");
  }
  const resource = resourceSchema.safeParse(payload);
  if (!resource.success) return text(400, "body has no resource id");
  const resourceId = String(resource.data.id);
  const version = resource.data.date_modified_gmt ?? "";
  // The delivery id is derived from seconds and collides; the resource version does not.
  const deliveryId = request.headers.get("x-wc-webhook-delivery-id") ?? "";
  const { outcome } = await recordAndEnqueue(
    db,
    {
      provider: "WOOCOMMERCE",
      shop: { id: channel.shopId },
      channelId: channel.id,
      topic,
      webhookId: `${channel.id}:${deliveryId}:${resourceId}:${version}`,
      eventId: `${channel.id}:${resourceId}@${version}`,
      payload,
    },
    logger,
  );
  logger.debug({ channelId, topic, outcome }, "woocommerce webhook");
  recordWebhookDelivery("woocommerce", topic, webhookOutcomeOf(outcome), started);
  return text(200, "ok");
}
