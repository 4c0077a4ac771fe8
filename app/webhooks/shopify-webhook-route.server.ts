// The action shared by the Shopify webhook routes: verify (bad HMAC: 401, thrown by
// the library), record once, enqueue, answer 200. No slow work here.
import type { ActionFunctionArgs } from "@remix-run/node";
import { getPrisma } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { authenticate } from "../shopify.server";
import { recordAndEnqueue } from "./inbound-events.server";

const logger = loggerFor("shopify-webhooks");

export async function shopifyWebhookAction({ request }: ActionFunctionArgs): Promise<Response> {
  const hook = await authenticate.webhook(request);
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
  return new Response(null, { status: 200 });
}
