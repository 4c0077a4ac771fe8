import { randomBytes } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { DEFAULT_PIXEL_SETTINGS } from "../../emulators/shopify/web-pixel";

// Activation from /app/settings against the Shopify emulator's Admin API, through the
// app's real token exchange, offline session and paced GraphQL client.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  config: await import("~/config/env.server"),
  redis: await import("~/jobs/redis.server"),
  queues: await import("~/jobs/queues.server"),
  home: await import("~/routes/app._index"),
  settings: await import("~/routes/app.settings"),
});
let emulator: ShopifyEmulator;
let app: Awaited<ReturnType<typeof loadApp>>;

beforeAll(async () => {
  const { DEFAULT_SCOPES } = await import("~/config/env.server");
  emulator = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: DEFAULT_SCOPES });
  process.env.SHOPIFY_API_ORIGIN = emulator.url;
  app = await loadApp();
});

afterAll(async () => {
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
  await emulator.close();
});

const bearer = (domain: string, path: string, init?: RequestInit) =>
  setUpValidRequest(
    { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}${path}`, init),
  );

/** Installs through the embedded app's first load (token exchange with the emulator). */
async function install() {
  const domain = `pixel-${randomBytes(4).toString("hex")}.myshopify.com`;
  emulator.state.addShop(domain);
  await app.home.loader({ request: await bearer(domain, "/app"), params: {}, context: {} });
  return app.db.getPrisma().shop.findUniqueOrThrow({ where: { domain } });
}

async function activate(domain: string) {
  const form = new FormData();
  form.set("intent", "activate-pixel");
  const response = (await app.settings.action({ request: await bearer(domain, "/app/settings", { method: "POST", body: form }), params: {}, context: {} })) as Response;
  return { status: response.status, body: (await response.json()) as { pixel: { ok: boolean; message: string } } };
}

async function loaderPixel(domain: string) {
  const response = (await app.settings.loader({ request: await bearer(domain, "/app/settings"), params: {}, context: {} })) as Response;
  return ((await response.json()) as { pixel: unknown }).pixel;
}

const shopRow = (id: string) => app.db.getPrisma().shop.findUniqueOrThrow({ where: { id }, select: { pixelAccountId: true, webPixelId: true } });
const audits = (shopId: string) => app.db.forShop(shopId).auditLog.findMany({ where: { action: "PIXEL_ACTIVATED" }, orderBy: { createdAt: "asc" } });
const ENDPOINT = `${APP_URL}/api/pixel/events`;

describe("activating the checkout pixel from /app/settings", () => {
  it("creates the pixel with the shop's account id and the ingest endpoint, then updates it in place", async () => {
    const shop = await install();
    expect(await loaderPixel(shop.domain)).toEqual({ active: false, webPixelId: null, endpoint: ENDPOINT, scopesGranted: true });

    const first = await activate(shop.domain);
    expect(first).toEqual({ status: 200, body: { pixel: { ok: true, message: "Checkout pixel activated." } } });
    const remote = emulator.state.shops.get(shop.domain)!.webPixel!;
    const stored = await shopRow(shop.id);
    expect(stored.pixelAccountId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(stored.webPixelId).toBe(remote.id);
    expect(JSON.parse(remote.settings)).toEqual({ accountID: stored.pixelAccountId, endpoint: ENDPOINT });
    expect(await loaderPixel(shop.domain)).toEqual({ active: true, webPixelId: remote.id, endpoint: ENDPOINT, scopesGranted: true });

    const second = await activate(shop.domain);
    expect(second.body.pixel).toEqual({ ok: true, message: "Checkout pixel updated." });
    expect((await shopRow(shop.id)).pixelAccountId).toBe(stored.pixelAccountId); // the account id never changes
    expect(emulator.state.shops.get(shop.domain)!.webPixel!.id).toBe(remote.id);

    const rows = await audits(shop.id);
    expect(rows.map((row) => row.after)).toEqual([
      { webPixelId: remote.id, endpoint: ENDPOINT, mode: "created" },
      { webPixelId: remote.id, endpoint: ENDPOINT, mode: "updated" },
    ]);
    expect(rows[0]).toMatchObject({ actorType: "USER", subjectType: "WebPixel", subjectId: remote.id, before: { webPixelId: null } });
  });

  it("creates a new pixel when the stored id is stale, and adopts the app's pixel when Shopify says one exists", async () => {
    const stale = await install();
    await app.db.getPrisma().shop.update({ where: { id: stale.id }, data: { webPixelId: "gid://shopify/WebPixel/404" } });
    expect((await activate(stale.domain)).body.pixel.ok).toBe(true);
    expect((await shopRow(stale.id)).webPixelId).toBe(emulator.state.shops.get(stale.domain)!.webPixel!.id);

    const taken = await install();
    const existing = { id: "gid://shopify/WebPixel/777", settings: '{"accountID":"old","endpoint":"https://old.example/api/pixel/events"}' };
    emulator.state.shops.get(taken.domain)!.webPixel = existing;
    const result = await activate(taken.domain);
    expect(result.body.pixel).toEqual({ ok: true, message: "Checkout pixel updated." });
    expect((await shopRow(taken.id)).webPixelId).toBe("gid://shopify/WebPixel/777");
    expect(JSON.parse(existing.settings)).toMatchObject({ endpoint: ENDPOINT });
  });

  it("shows Shopify's userError on the page and stores nothing when Shopify refuses the settings", async () => {
    const shop = await install();
    // The deployed extension declares a setting we do not send: Shopify answers INVALID_SETTINGS.
    emulator.state.webPixelSettings = { ...DEFAULT_PIXEL_SETTINGS, region: { type: "single_line_text_field", min: 1 } };
    try {
      const result = await activate(shop.domain);
      expect(result.status).toBe(422);
      expect(result.body.pixel.ok).toBe(false);
      expect(result.body.pixel.message).toBe("Shopify did not accept the pixel: Setting 'region' is too short (minimum is 1 characters). (INVALID_SETTINGS)");
    } finally {
      emulator.state.webPixelSettings = DEFAULT_PIXEL_SETTINGS;
    }
    expect((await shopRow(shop.id)).webPixelId).toBeNull();
    expect(await audits(shop.id)).toEqual([]);

    emulator.state.webPixelSettings = null; // no pixel extension deployed
    try {
      expect((await activate(shop.domain)).body.pixel.message).toMatch(/No web pixel extension found for this app\. \(NO_EXTENSION\)/);
    } finally {
      emulator.state.webPixelSettings = DEFAULT_PIXEL_SETTINGS;
    }
    // Once the extension is right, the same shop activates.
    expect((await activate(shop.domain)).body.pixel.ok).toBe(true);
  });
});
