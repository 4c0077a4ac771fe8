// WhatsApp Cloud API webhooks: GET verification challenge, POST signed status updates
// (app/notifications/whatsapp/webhook-route.server.ts).
import { whatsappVerifyLoader, whatsappWebhookAction } from "~/notifications/whatsapp/webhook-route.server";

export const loader = whatsappVerifyLoader;
export const action = whatsappWebhookAction;
