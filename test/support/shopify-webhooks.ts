// Builds webhook requests signed the way Shopify signs them (base64 HMAC-SHA256
// of the raw body with the app's secret), with the headers authenticate.webhook requires.
import { randomUUID } from "node:crypto";
import { API_SECRET_KEY, APP_URL, getHmac } from "@shopify/shopify-api/test-helpers";

export function signedWebhook(options: {
  topic: string;
  shop: string;
  path: string;
  payload: unknown;
  secret?: string;
  webhookId?: string;
}): Request {
  const body = JSON.stringify(options.payload);
  return new Request(`${APP_URL}${options.path}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": getHmac(body, options.secret ?? API_SECRET_KEY),
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  });
}

/** Runs a Remix action and returns its Response, whether returned or thrown (the library throws 401s). */
export async function responseOf(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
