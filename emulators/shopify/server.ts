// A Shopify store on loopback for tests and the demo. The app reaches it through
// SHOPIFY_API_ORIGIN, which sends https://<shop>/admin/... to <origin>/store/<shop>/admin/...
// (app/shopify/api-routing.server.ts). Never imports app code: an emulator that
// shared our code would agree with our bugs.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AdminGraphql } from "./graphql-admin";
import { handleTokenRequest } from "./oauth-token";
import { ShopifyState } from "./state";
import { WebhookSender } from "./webhook-sender";

export interface ShopifyEmulator {
  url: string;
  state: ShopifyState;
  graphql: AdminGraphql;
  /** Sends signed webhooks to the app at `appUrl`. */
  webhooks: WebhookSender;
  /** Where webhooks go (the app under test); settable after both have started. */
  appUrl: string;
  /** Resolves once the webhooks the emulator sent by itself (inventory_levels/update) were answered. */
  webhooksSettled(): Promise<void>;
  close(): Promise<void>;
}

/** inventory_levels/update as Shopify sends it: numeric ids, the new available, when. */
function inventoryLevelPayload(itemId: string, locationId: string, available: number) {
  const numeric = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));
  return {
    inventory_item_id: numeric(itemId),
    location_id: numeric(locationId),
    available,
    updated_at: new Date().toISOString(),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${numeric(locationId)}?inventory_item_id=${numeric(itemId)}`,
  };
}

const ROUTE = /^\/store\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(\/admin\/.*)$/;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startShopifyEmulator(options: {
  apiKey: string;
  apiSecret: string;
  /** The scopes a token grant reports as granted. */
  scopes: string;
  appUrl?: string;
}): Promise<ShopifyEmulator> {
  const state = new ShopifyState(options.apiKey, options.apiSecret);
  const admin = new AdminGraphql(state);

  const server = createServer(async (request, response) => {
    try {
      const match = ROUTE.exec(new URL(request.url ?? "/", "http://emulator").pathname);
      if (!match || request.method !== "POST") return send(response, 404, { errors: "Not Found" });
      const [, domain, path] = match;
      const raw = await readBody(request);
      let body: Record<string, unknown>;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return send(response, 400, { errors: "Bad Request: body is not JSON" });
      }

      if (path === "/admin/oauth/access_token") {
        if (state.faults.tokenLatencyMs > 0) await new Promise((r) => setTimeout(r, state.faults.tokenLatencyMs));
        const reply = handleTokenRequest(state, domain, body, options.scopes);
        return send(response, reply.status, reply.body);
      }

      if (/^\/admin\/api\/[0-9]{4}-[0-9]{2}\/graphql\.json$/.test(path)) {
        const shop = state.shops.get(domain);
        if (!shop) return send(response, 404, { errors: "Not Found" });
        const auth = state.authenticate(domain, request.headers["x-shopify-access-token"]?.toString() ?? null);
        if (typeof auth === "string") {
          return send(response, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        }
        const result = await admin.execute(shop, body);
        // Fault: the change was applied but its answer is lost on the way back.
        const adjusted = (result as { data?: { inventoryAdjustQuantities?: { inventoryAdjustmentGroup?: unknown } } }).data?.inventoryAdjustQuantities?.inventoryAdjustmentGroup;
        if (adjusted && state.faults.dropAdjustAnswers > 0) {
          state.faults.dropAdjustAnswers -= 1;
          return send(response, 502, { errors: "Bad Gateway" });
        }
        return send(response, 200, result);
      }
      return send(response, 404, { errors: "Not Found" });
    } catch (error) {
      send(response, 500, { errors: `emulator error: ${(error as Error).message}` });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const inFlight = new Set<Promise<unknown>>();
  // A shop subscribed to inventory_levels/update hears of every level change, after the answer.
  state.onInventoryLevelChange = (shop, item, locationId, available) => {
    if (!shop.webhookSubscriptions.has("inventory_levels/update") || !emulator.appUrl) return;
    const payload = inventoryLevelPayload(item.id, locationId, available);
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => emulator.webhooks.deliver({ topic: "inventory_levels/update", shop: shop.domain, payload }))
      .catch(() => undefined);
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  };
  const emulator: ShopifyEmulator = {
    url: `http://127.0.0.1:${port}`,
    state,
    graphql: admin,
    appUrl: options.appUrl ?? "",
    webhooksSettled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    webhooks: new WebhookSender(() => emulator.appUrl, options.apiSecret),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return emulator;
}
