// The action shared by the Shopify webhook routes: verify (bad HMAC: 401, thrown by
// the library), record once, enqueue, answer 200. No slow work here.
import type { ActionFunctionArgs } from "@remix-run/node";
import { getPrisma } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { setContextShop } from "../logging/request-context.server";
import { recordWebhookDelivery, webhookOutcomeOf } from "../metrics/record.server";
import { authenticate } from "../shopify.server";
import { recordAndEnqueue } from "./inbound-events.server";

const logger = loggerFor("shopify-webhooks");

export async function shopifyWebhookAction({ request }: ActionFunctionArgs): Promise<Response> {
  const started = performance.now();
  let hook: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    hook = await authenticate.webhook(request);
  } catch (thrown) {
    // The library throws 401 for a bad HMAC (and 400/405 for malformed requests): counted, then passed on.
    if (thrown instanceof Response && thrown.status === 401) recordWebhookDelivery("shopify", null, "bad_signature", started);
    throw thrown;
  }
  setContextShop(hook.shop);
  const { outcome } = await recordAndEnqueue(
    getPrisma(),
    {
      provider: "SHOPIFY",
      shop: { domain: hook.shop },
      topic: hook.topic,
      webhookId: hook.webhookId,
      eventId: "eventId" in hook && typeof hook.eventId === "string" ? hook.eventId : undefined,
      triggeredAt: "triggeredAt" in hook && typeof hook.triggeredAt === "string" ? new Date(hook.triggeredAt) : undefined,
      payload: hook.payload,
    },
    logger,
  );
  if (outcome === "unknown-shop") {
    // Shopify only needs a 200; a shop we do not know has nothing to process.
    logger.info({ shop: hook.shop, topic: hook.topic }, "webhook for a shop that is not installed");
  }
  recordWebhookDelivery("shopify", hook.topic, webhookOutcomeOf(outcome), started);
  return new Response(null, { status: 200 });
}
