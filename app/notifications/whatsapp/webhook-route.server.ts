// GET|POST /webhooks/whatsapp. GET is Meta's subscription check: echo hub.challenge only
// for hub.mode=subscribe and our verify token. POST: rate limited per IP, then
// X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret, constant time),
// zod, and the statuses applied (each once, never backwards); 200 as soon as that is done.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../../config/env.server";
import { clientIpOf } from "../../http/client-ip";
import { loggerFor } from "../../logging/logger.server";
import { recordWebhookDelivery } from "../../metrics/record.server";
import { enforceRateLimit } from "../../security/rate-limits.server";
import { applyStatusPayload, webhookPayloadSchema } from "./status-updates.server";

const logger = loggerFor("whatsapp-webhook");
const MAX_BODY_BYTES = 1024 * 1024;

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

function sameText(a: string, b: string): boolean {
  const left = createHmac("sha256", "compare").update(a).digest();
  const right = createHmac("sha256", "compare").update(b).digest();
  // Hashing first gives equal lengths, so the comparison time does not leak the length either.
  return timingSafeEqual(left, right) && a === b;
}

/** "sha256=<hex>" of the raw body, compared in constant time. */
export function validWhatsappSignature(rawBody: Buffer, appSecret: string, header: string | null): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], "hex"), expected);
}

export function whatsappVerifyLoader({ request }: LoaderFunctionArgs): Response {
  const verifyToken = getConfig().WHATSAPP_VERIFY_TOKEN;
  if (!verifyToken) return text(503, "WhatsApp webhooks are not configured (WHATSAPP_VERIFY_TOKEN)");
  const query = new URL(request.url).searchParams;
  const mode = query.get("hub.mode");
  const token = query.get("hub.verify_token") ?? "";
  const challenge = query.get("hub.challenge") ?? "";
  if (mode !== "subscribe" || !sameText(token, verifyToken)) {
    logger.warn({ mode }, "webhook verification refused");
    return text(403, "verification failed");
  }
  return text(200, challenge);
}

export async function whatsappWebhookAction({ request, context }: ActionFunctionArgs): Promise<Response> {
  const started = performance.now();
  await enforceRateLimit("whatsappWebhook", clientIpOf(context));
  const appSecret = getConfig().WHATSAPP_APP_SECRET;
  if (!appSecret) return text(503, "WhatsApp webhooks are not configured (WHATSAPP_APP_SECRET)");
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > MAX_BODY_BYTES) return text(413, "payload too large");
  if (!validWhatsappSignature(raw, appSecret, request.headers.get("x-hub-signature-256"))) {
    logger.warn({ ip: clientIpOf(context) }, "invalid or missing X-Hub-Signature-256");
    recordWebhookDelivery("whatsapp", null, "bad_signature", started);
    return text(401, "invalid signature");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return text(400, "body is not JSON");
  }
  const payload = webhookPayloadSchema.safeParse(body);
  if (!payload.success) {
    const issue = payload.error.issues[0];
    return text(400, `invalid payload: ${issue ? `${issue.path.join(".")} ${issue.message}` : "unknown shape"}`);
  }
  const counts = await applyStatusPayload(payload.data);
  logger.debug(counts, "whatsapp statuses");
  // One delivery may carry many statuses: it counts as a duplicate only when every one was.
  const fresh = counts.applied + counts.stale + counts["unknown-message"] + counts.ignored > 0;
  recordWebhookDelivery("whatsapp", "messages.status", fresh || counts.duplicate === 0 ? "accepted" : "duplicate", started);
  return Response.json({ received: true, ...counts });
}
