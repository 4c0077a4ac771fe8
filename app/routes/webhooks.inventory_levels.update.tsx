// inventory_levels/update: recorded once and processed by the inbound worker
// (app/webhooks/process-event.server.ts), which reconciles the level with Rappit's.
import { methodNotAllowed } from "~/http/responses";
import { shopifyWebhookAction } from "~/webhooks/shopify-webhook-route.server";

export const action = shopifyWebhookAction;
export const loader = () => methodNotAllowed(["POST"]);
