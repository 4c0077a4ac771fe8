// Webhook registrations and the /webhooks routes (WC_REST_Webhooks_Controller).
// The secret is write-only. Creating one over REST pings the delivery URL
// before answering, and the answer ignores how the ping went. Setting a
// disabled webhook back to active does not reset failure_count.
import { randomBytes } from "node:crypto";
import { isValidUrl, wooDate } from "./php";
import { Args, EDIT_METHODS, READ_METHODS, pageArgs, paginate, param, restError, selfLinks, type RestContext, type RestReply, type RestRoute } from "./rest";
import type { WebhookStatus, WooState, WooWebhook } from "./state";
import type { WooWebhookSender } from "./webhook-sender";

const STATUSES = ["active", "paused", "disabled"] as const;

/** get_default_topic_hooks(), for the resources the emulator has. */
const TOPIC_HOOKS: Record<string, string[]> = {
  "order.created": ["woocommerce_new_order"],
  "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded", "woocommerce_delete_order_refund"],
  "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
  "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
  "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product", "woocommerce_new_product_variation"],
  "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product", "woocommerce_update_product_variation"],
  "product.deleted": ["wp_trash_post"],
  "product.restored": ["untrashed_post"],
};

/** wc_is_webhook_valid_topic(). */
export function isValidTopic(topic: string): boolean {
  if (topic.startsWith("action.")) return /^action\.(woocommerce_|wc_)/.test(topic);
  const [resource, event, extra] = topic.split(".");
  return extra === undefined && ["coupon", "customer", "order", "product"].includes(resource) && ["created", "updated", "deleted", "restored"].includes(event);
}

function defaultName(ms: number): string {
  const date = new Date(ms);
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  const hours = date.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `Webhook created on ${month} ${pad(date.getUTCDate())}, ${date.getUTCFullYear()} @ ${pad(hours)}:${pad(date.getUTCMinutes())} ${date.getUTCHours() < 12 ? "AM" : "PM"}`;
}

/** A registration as the admin screen or the REST API creates it (no ping here). */
export function addWebhook(
  state: WooState,
  input: { topic: string; delivery_url: string; secret?: string; status?: WebhookStatus; name?: string },
): WooWebhook {
  const now = wooDate(state.now());
  const webhook: WooWebhook = {
    id: state.nextWebhookId(),
    name: input.name ?? defaultName(state.now()),
    status: input.status ?? "active",
    topic: input.topic.toLowerCase(),
    delivery_url: input.delivery_url,
    // wp_generate_password( 50, true, true ) when none is given.
    secret: input.secret ?? randomBytes(38).toString("base64").slice(0, 50),
    failure_count: 0,
    api_version: "wp_api_v3",
    user_id: 1,
    date_created: now,
    date_modified: now,
  };
  state.webhooks.set(webhook.id, webhook);
  return webhook;
}

function webhookJson(ctx: RestContext, webhook: WooWebhook) {
  const [resource, event] = webhook.topic.split(".");
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource,
    event,
    hooks: TOPIC_HOOKS[webhook.topic] ?? (resource === "action" ? [webhook.topic.slice("action.".length)] : []),
    delivery_url: webhook.delivery_url,
    date_created: webhook.date_created,
    date_created_gmt: webhook.date_created,
    date_modified: webhook.date_modified,
    date_modified_gmt: webhook.date_modified,
    _links: selfLinks(ctx, WEBHOOKS, webhook.id),
  };
}

const WEBHOOKS = "/wc/v3/webhooks";
const invalidId = (status: number) => restError(status, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
const invalidTopic = () => restError(400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.");
const invalidUrl = () =>
  restError(400, "woocommerce_rest_shop_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL starting with http:// or https://.");

function webhookOf(ctx: RestContext): WooWebhook | undefined {
  return ctx.state.webhooks.get(Number(ctx.params.id));
}

const validUrl = (value: unknown): value is string => typeof value === "string" && isValidUrl(value) && /^https?:\/\//i.test(value);

function writeArgs(ctx: RestContext): { args: Args; status?: WebhookStatus } {
  const args = new Args(ctx);
  const raw = param(ctx, "status");
  return { args, status: raw === undefined ? undefined : args.oneOf("status", STATUSES, "active") };
}

function listArgs(ctx: RestContext) {
  const args = new Args(ctx);
  return { args, ...pageArgs(args), status: args.oneOf("status", ["all", ...STATUSES] as const, "all"), order: args.oneOf("order", ["asc", "desc"] as const, "desc") };
}

function list(ctx: RestContext): RestReply {
  const query = listArgs(ctx);
  const error = query.args.error();
  if (error) return error;
  const hooks = [...ctx.state.webhooks.values()]
    .filter((webhook) => query.status === "all" || webhook.status === query.status)
    .sort((a, b) => (query.order === "asc" ? a.id - b.id : b.id - a.id));
  const page = paginate(ctx, hooks, query.page, query.perPage, WEBHOOKS);
  return { status: 200, body: page.items.map((webhook) => webhookJson(ctx, webhook)), headers: page.headers };
}

async function create(ctx: RestContext, sender: WooWebhookSender): Promise<RestReply> {
  const { args, status } = writeArgs(ctx);
  const error = args.error();
  if (error) return error;
  if (param(ctx, "id")) return restError(400, "woocommerce_rest_shop_webhook_exists", "Cannot create existing shop_webhook.");
  const topic = param(ctx, "topic");
  if (typeof topic !== "string" || !isValidTopic(topic.toLowerCase())) return invalidTopic();
  const deliveryUrl = param(ctx, "delivery_url");
  if (!validUrl(deliveryUrl)) return invalidUrl();
  const name = param(ctx, "name");
  const secret = param(ctx, "secret");
  const webhook = addWebhook(ctx.state, {
    topic,
    delivery_url: deliveryUrl,
    status,
    name: typeof name === "string" && name !== "" ? name : undefined,
    secret: typeof secret === "string" && secret !== "" ? secret : undefined,
  });
  const body = webhookJson(ctx, webhook);
  // deliver_ping() runs before the answer goes out; its result is not looked at.
  await sender.ping(webhook);
  return { status: 201, body, headers: { Location: `${ctx.state.homeUrl}/wp-json${WEBHOOKS}/${webhook.id}` } };
}

function update(ctx: RestContext): RestReply {
  const webhook = webhookOf(ctx);
  if (!webhook) return invalidId(400);
  const { args, status } = writeArgs(ctx);
  const error = args.error();
  if (error) return error;
  const topic = param(ctx, "topic");
  if (topic !== undefined && (typeof topic !== "string" || !isValidTopic(topic.toLowerCase()))) return invalidTopic();
  const deliveryUrl = param(ctx, "delivery_url");
  if (deliveryUrl !== undefined && !validUrl(deliveryUrl)) return invalidUrl();
  const [name, secret] = [param(ctx, "name"), param(ctx, "secret")];
  if (typeof topic === "string") webhook.topic = topic.toLowerCase();
  if (typeof deliveryUrl === "string") webhook.delivery_url = deliveryUrl;
  if (typeof name === "string") webhook.name = name;
  if (typeof secret === "string" && secret !== "") webhook.secret = secret;
  if (status) webhook.status = status;
  webhook.date_modified = wooDate(ctx.state.now());
  return { status: 200, body: webhookJson(ctx, webhook) };
}

function remove(ctx: RestContext): RestReply {
  const webhook = webhookOf(ctx);
  if (!webhook) return invalidId(404);
  const args = new Args(ctx);
  const force = args.boolean("force", false);
  const error = args.error();
  if (error) return error;
  if (!force) return restError(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
  const body = webhookJson(ctx, webhook);
  ctx.state.webhooks.delete(webhook.id);
  return { status: 200, body };
}

export function webhookRoutes(sender: WooWebhookSender): RestRoute[] {
  const exists = (ctx: RestContext) => webhookOf(ctx) !== undefined;
  const item = /^\/wc\/v3\/webhooks\/(?<id>\d+)$/;
  return [
    { methods: READ_METHODS, pattern: /^\/wc\/v3\/webhooks$/, capability: "list", validate: (ctx) => listArgs(ctx).args.error(), handle: list },
    { methods: ["POST"], pattern: /^\/wc\/v3\/webhooks$/, capability: "create", handle: (ctx) => create(ctx, sender) },
    {
      methods: READ_METHODS,
      pattern: item,
      capability: "view",
      exists,
      handle: (ctx) => {
        const webhook = webhookOf(ctx);
        return webhook ? { status: 200, body: webhookJson(ctx, webhook) } : invalidId(404);
      },
    },
    { methods: EDIT_METHODS, pattern: item, capability: "edit", exists, handle: update },
    { methods: ["DELETE"], pattern: item, capability: "delete", exists, handle: remove },
  ];
}
