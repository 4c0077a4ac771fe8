// Sends webhooks the way Shopify does: the raw JSON body signed with the app's
// secret (base64 HMAC-SHA256 in X-Shopify-Hmac-Sha256) and Shopify's headers.
// Tests can redeliver (same webhook id), duplicate and reorder deliveries.
import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  topic: string;
  shop: string;
  payload: unknown;
  webhookId?: string;
  eventId?: string;
  apiVersion?: string;
}

export class WebhookSender {
  readonly delivered: Array<{ topic: string; webhookId: string; status: number }> = [];

  constructor(
    private readonly appUrl: () => string,
    private readonly apiSecret: string,
  ) {}

  /** POSTs one delivery to <app>/webhooks/<topic>; resolves with the app's status code. */
  async deliver(delivery: Delivery): Promise<{ status: number; webhookId: string; eventId: string }> {
    const body = JSON.stringify(delivery.payload);
    const webhookId = delivery.webhookId ?? randomUUID();
    const eventId = delivery.eventId ?? randomUUID();
    const response = await fetch(`${this.appUrl()}/webhooks/${delivery.topic}`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": delivery.topic,
        "X-Shopify-Shop-Domain": delivery.shop,
        "X-Shopify-API-Version": delivery.apiVersion ?? "2026-10",
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": eventId,
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-Hmac-Sha256": createHmac("sha256", this.apiSecret).update(body, "utf8").digest("base64"),
      },
    });
    await response.arrayBuffer();
    this.delivered.push({ topic: delivery.topic, webhookId, status: response.status });
    return { status: response.status, webhookId, eventId };
  }
}
