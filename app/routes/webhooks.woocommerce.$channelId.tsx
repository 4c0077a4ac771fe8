// WooCommerce order webhooks of one connected store (app/channels/woocommerce/webhook-route.server.ts).
import { wooWebhookAction } from "~/channels/woocommerce/webhook-route.server";
import { methodNotAllowed } from "~/http/responses";

export const action = wooWebhookAction;
export const loader = () => methodNotAllowed(["POST"]);
