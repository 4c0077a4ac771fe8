// Delivers webhooks the way WC_Webhook::deliver() does: the REST JSON of the
// resource as it is at delivery time, PHP-encoded, signed base64(HMAC-SHA256)
// with the registration's secret, no redirects followed, no retries. A
// response of 200-302 resets failure_count; any other answer or a network
// error counts, and a failure while failure_count is already above 5 disables
// the webhook (so the 7th consecutive failure). The delivery id is a hash of
// the webhook id and the current second, so it repeats within a second.
import { createHmac, randomBytes } from "node:crypto";
import { sendRouted } from "./http";
import { orderJson } from "./orders";
import { phpJsonEncode } from "./php";
import { productJson, variationJson } from "./products";
import type { PingAttempt, WooState, WooWebhook } from "./state";

export interface WooDelivery {
  /** Position in the log. */
  seq: number;
  webhookId: number;
  topic: string;
  resourceId: number;
  /** The delivery_url as registered (before routeOutbound). */
  url: string;
  /** The receiver's status code; null when the request failed. */
  status: number | null;
  error: string | null;
  body: string;
  headers: Record<string, string>;
  redelivery: boolean;
}

const SUCCESS = (status: number | null) => status !== null && status >= 200 && status < 303;

export class WooWebhookSender {
  readonly deliveries: WooDelivery[] = [];
  /**
   * While held, events wait in `queue` instead of going out, one entry per
   * webhook and resource (Action Scheduler does not schedule a job already
   * pending), and flush() sends them with the resource's state at that time.
   */
  held = false;
  readonly queue: Array<{ webhookId: number; topic: string; resourceId: number }> = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly salt = randomBytes(16).toString("hex");

  constructor(
    private readonly state: WooState,
    private readonly route: (url: string) => string,
  ) {}

  get userAgent(): string {
    return `WooCommerce/${this.state.version} Hookshot (WordPress/${this.state.wpVersion})`;
  }

  /**
   * Sends `topic` for a resource to every active webhook on that topic, one
   * after the other. `signWith` signs with another secret (a forged or stale
   * signature) instead of the registration's.
   */
  async deliver(topic: string, resourceId: number, options: { signWith?: string } = {}): Promise<WooDelivery[]> {
    // is_valid_resource(): draft orders are never delivered.
    if (topic.startsWith("order.") && this.state.order(resourceId)?.status === "checkout-draft") return [];
    const hooks = [...this.state.webhooks.values()].filter((webhook) => webhook.status === "active" && webhook.topic === topic);
    if (this.held) {
      for (const webhook of hooks) {
        const pending = this.queue.some((job) => job.webhookId === webhook.id && job.resourceId === resourceId);
        if (!pending) this.queue.push({ webhookId: webhook.id, topic, resourceId });
      }
      return [];
    }
    const sent: WooDelivery[] = [];
    for (const webhook of hooks) sent.push(await this.deliverTo(webhook, resourceId, options.signWith));
    return sent;
  }

  /** deliver() signed with a secret that is not the registration's: what a forger would send. */
  deliverForged(topic: string, resourceId: number): Promise<WooDelivery[]> {
    return this.deliver(topic, resourceId, { signWith: `forged-${randomBytes(8).toString("hex")}` });
  }

  /** Delivers after the current request has been answered (REST writes). */
  schedule(topic: string, resourceId: number): void {
    this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(topic, resourceId)));
  }

  /** Resolves once scheduled deliveries and pings have finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends what waited while held. */
  async flush(): Promise<WooDelivery[]> {
    const jobs = this.queue.splice(0);
    const sent: WooDelivery[] = [];
    for (const job of jobs) {
      const webhook = this.state.webhooks.get(job.webhookId);
      if (webhook?.status === "active") sent.push(await this.deliverTo(webhook, job.resourceId));
    }
    return sent;
  }

  /** Sends a logged delivery again, byte for byte: same body, same headers (same signature and delivery id). */
  async redeliver(delivery: WooDelivery): Promise<WooDelivery> {
    const webhook = this.state.webhooks.get(delivery.webhookId);
    return this.send(webhook, delivery.url, delivery.topic, delivery.resourceId, delivery.body, delivery.headers, true);
  }

  /** The POST deliver_ping() makes when a webhook is created: form body webhook_id=<id>, no X-WC headers, redirects followed. */
  async ping(webhook: WooWebhook): Promise<PingAttempt> {
    const body = `webhook_id=${webhook.id}`;
    const headers = { "User-Agent": this.userAgent, "Content-Type": "application/x-www-form-urlencoded" };
    const attempt: PingAttempt = { webhookId: webhook.id, url: webhook.delivery_url, body, headers, status: null, error: null };
    const job = sendRouted(webhook.delivery_url, this.route, { method: "POST", body, headers, timeoutMs: 60_000, maxRedirects: 5 }).then(
      (response) => void (attempt.status = response.status),
      (error: Error) => void (attempt.error = error.message),
    );
    this.track(job);
    await job;
    this.state.pings.push(attempt);
    return attempt;
  }

  /** The payload WooCommerce builds at delivery time: GET /wc/v3/<resource>s/<id> as the webhook's owner. */
  payload(topic: string, resourceId: number): unknown {
    const [resource, event] = topic.split(".");
    if (resource === "action") return { action: topic.slice("action.".length), arg: resourceId };
    if (event === "deleted") return { id: resourceId };
    if (resource === "order") {
      const order = this.state.order(resourceId);
      return order ? orderJson(this.state, order) : { code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID.", data: { status: 404 } };
    }
    if (resource === "product") {
      const product = this.state.products.get(resourceId);
      // A variation's product.updated carries the variation as /products/<id> shows it.
      const variation = product ? undefined : this.state.variations.get(resourceId);
      if (variation) return variationJson(this.state, variation);
      return product ? productJson(this.state, product) : { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 404 } };
    }
    return { id: resourceId };
  }

  /** Signature as WooCommerce computes it: base64 of the raw HMAC-SHA256 of the body. */
  static sign(body: string, secret: string): string {
    return createHmac("sha256", secret).update(body, "utf8").digest("base64");
  }

  private deliveryId(webhookId: number): string {
    return createHmac("md5", this.salt).update(`${webhookId}${Math.floor(this.state.now() / 1000)}`).digest("hex");
  }

  private deliverTo(webhook: WooWebhook, resourceId: number, signWith?: string): Promise<WooDelivery> {
    const [resource, event] = webhook.topic.split(".");
    const body = phpJsonEncode(this.payload(webhook.topic, resourceId)).trim();
    const headers: Record<string, string> = {
      "User-Agent": this.userAgent,
      "Content-Type": "application/json",
      "X-WC-Webhook-Source": `${this.state.homeUrl}/`,
      "X-WC-Webhook-Topic": webhook.topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event ?? "",
      "X-WC-Webhook-Signature": WooWebhookSender.sign(body, signWith ?? webhook.secret),
      "X-WC-Webhook-ID": String(webhook.id),
      "X-WC-Webhook-Delivery-ID": this.deliveryId(webhook.id),
    };
    return this.send(webhook, webhook.delivery_url, webhook.topic, resourceId, body, headers, false);
  }

  private async send(
    webhook: WooWebhook | undefined,
    url: string,
    topic: string,
    resourceId: number,
    body: string,
    headers: Record<string, string>,
    redelivery: boolean,
  ): Promise<WooDelivery> {
    const delivery: WooDelivery = { seq: 0, webhookId: webhook?.id ?? Number(headers["X-WC-Webhook-ID"]), topic, resourceId, url, status: null, error: null, body, headers, redelivery };
    try {
      delivery.status = (await sendRouted(url, this.route, { method: "POST", body, headers, timeoutMs: 60_000, maxRedirects: 0 })).status;
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    delivery.seq = this.deliveries.push(delivery);
    if (webhook && this.state.webhooks.get(webhook.id) === webhook) {
      if (SUCCESS(delivery.status)) webhook.failure_count = 0;
      else if (webhook.failure_count > 5) webhook.status = "disabled";
      else webhook.failure_count += 1;
    }
    return delivery;
  }

  private track(job: Promise<unknown>): void {
    const guarded = job.catch(() => undefined);
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }
}
