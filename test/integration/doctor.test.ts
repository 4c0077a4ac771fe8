import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "~/config/env.server";
import type { ShopDatabase } from "~/db/prisma.server";
import type { DoctorCheck, ShopReport } from "~/doctor/report";
import { startFedexEmulator } from "../../emulators/fedex/server";
import { startShopifyEmulator, type ShopifyEmulator } from "../../emulators/shopify/server";
import { startWooCommerceEmulator, type WooCommerceEmulator } from "../../emulators/woocommerce/server";
import { addWebhook } from "../../emulators/woocommerce/webhooks";

// The doctor against the emulators: a healthy shop is all OK; a revoked WooCommerce
// key, an expired Shopify refresh token and refused carrier credentials each FAIL with
// the fix support staff need. Also the command itself: lines, --json and exit codes.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-doctor-${randomBytes(3).toString("hex")}`;

const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  shopify: await import("~/shopify.server"),
  doctor: await import("~/doctor/run-doctor.server"),
  report: await import("~/doctor/report"),
  health: await import("~/doctor/health-cache.server"),
  woo: await import("~/channels/woocommerce/credentials.server"),
  installed: await import("../support/installed-shop"),
  home: await import("~/routes/app._index"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let shopify: ShopifyEmulator;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let store: WooCommerceEmulator;

beforeAll(async () => {
  shopify = await startShopifyEmulator({ apiKey: API_KEY, apiSecret: API_SECRET_KEY, scopes: DEFAULT_SCOPES });
  fedex = await startFedexEmulator();
  store = await startWooCommerceEmulator();
  Object.assign(process.env, { SHOPIFY_API_ORIGIN: shopify.url, FEDEX_API_ORIGIN: fedex.url, WOOCOMMERCE_ALLOW_INSECURE_STORES: "1" });
  app = await loadApp();
});

afterAll(async () => {
  await store.close();
  await fedex.close();
  await shopify.close();
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

/** A WooCommerce channel on the emulated store with a key the store issued and Rappit's two webhooks there. */
async function connectWoo(db: ShopDatabase) {
  const key = store.state.issueKey({ description: "Rappit - API" });
  const id = randomUUID();
  const hooks = ["order.created", "order.updated"].map((topic) => addWebhook(store.state, { topic, delivery_url: `${APP_URL}/webhooks/woocommerce/${id}` }));
  await db.channel.create({
    data: {
      id,
      shopId: db.$shopId(),
      type: "WOOCOMMERCE",
      externalId: store.url,
      name: "Emulated store",
      credentials: app.woo.sealCredentials(id, { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret }),
      webhookIds: hooks.map((hook) => hook.id),
    },
  });
  return { ...key, hooks };
}

/** An installed shop with a FedEx account and a WooCommerce store, all working. */
async function healthyShop() {
  const installed = await app.installed.installShop(shopify, "doc");
  const { clientId } = await app.installed.connectFedex(fedex, installed.db);
  const key = await connectWoo(installed.db);
  return { ...installed, clientId, key };
}

async function reportOf(domain: string): Promise<ShopReport> {
  const [report] = await app.doctor.runDoctor({ shop: domain });
  return report;
}

function check(report: ShopReport, name: RegExp): DoctorCheck {
  const found = report.checks.find((candidate) => name.test(candidate.name));
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(report.checks)}`);
  return found;
}

describe("npm run doctor", () => {
  it("says OK for every check of a healthy shop", async () => {
    const { domain } = await healthyShop();
    const report = await reportOf(domain);
    // Support staff may write the store's handle or its URL.
    for (const alias of [domain.replace(".myshopify.com", ""), `https://${domain.toUpperCase()}/admin`]) {
      expect((await app.doctor.runDoctor({ shop: alias }))[0].shop).toBe(domain);
    }
    expect(report.checks.map((c) => c.name)).toEqual([
      "Shopify token",
      "Shopify scopes",
      "Shopify webhooks",
      `WooCommerce ${store.url}`,
      `WooCommerce ${store.url} webhooks`,
      expect.stringMatching(/^FedEx \d{9} \(sandbox\)$/),
    ]);
    for (const found of report.checks) expect(found, JSON.stringify(found)).toMatchObject({ status: "OK" });
    expect(check(report, /^Shopify token$/).detail).toMatch(/Admin API call OK; access token valid until/);
    expect(app.report.exitCodeOf([report])).toBe(0);
  });

  it("FAILs a revoked WooCommerce key and says to reconnect the store", async () => {
    const { domain, key } = await healthyShop();
    store.state.revokeKey(key.consumerKey);
    const woo = check(await reportOf(domain), /^WooCommerce /);
    expect(woo.status).toBe("FAIL");
    expect(woo.detail).toMatch(/refused Rappit's REST keys \(HTTP 401/);
    expect(woo.fix).toMatch(/^Reconnect the store in Rappit > Connections/);
  });

  it("WARNs when WooCommerce disabled Rappit's webhooks on the store", async () => {
    const { domain, key } = await healthyShop();
    key.hooks[1].status = "disabled";
    const hooks = check(await reportOf(domain), /^WooCommerce .* webhooks$/);
    expect(hooks).toMatchObject({ status: "WARN", detail: "order.updated disabled" });
    expect(hooks.fix).toMatch(/^Reconnect the store/);
  });

  it("FAILs an expired Shopify refresh token and says a staff member must open the app", async () => {
    const { domain, shop } = await healthyShop();
    // The access token is past its lifetime and Shopify no longer takes the refresh token.
    for (const token of shopify.state.refreshTokens.values()) if (token.shop === domain) token.expiresAt = Date.now() - 1;
    shopify.state.expireAccessTokens(domain);
    const session = (await app.shopify.offlineSessionStore.loadSession(`offline_${domain}`))!;
    session.expires = new Date(Date.now() - 1_000);
    await app.shopify.offlineSessionStore.storeSession(session);

    const report = await reportOf(domain);
    const token = check(report, /^Shopify token$/);
    expect(token.status).toBe("FAIL");
    expect(token.detail).toMatch(/Shopify refused the refresh token/);
    expect(token.fix).toMatch(/opens Rappit from the Shopify admin/);
    expect(app.report.exitCodeOf([report])).toBe(1);
    // The refusal is the real one: the shop now waits for re-authentication.
    expect((await app.db.getPrisma().shop.findUniqueOrThrow({ where: { id: shop.id } })).tokenStatus).toBe("NEEDS_REAUTH");
    expect(check(await reportOf(domain), /^Shopify token$/).detail).toMatch(/NEEDS_REAUTH/);
  });

  it("FAILs a refresh token whose stored expiry has passed, without calling Shopify", async () => {
    const { domain } = await healthyShop();
    const session = (await app.shopify.offlineSessionStore.loadSession(`offline_${domain}`))!;
    session.refreshTokenExpires = new Date(Date.now() - 60_000);
    await app.shopify.offlineSessionStore.storeSession(session);
    const before = shopify.state.tokenRequests.refresh_token;
    const token = check(await reportOf(domain), /^Shopify token$/);
    expect(token).toMatchObject({ status: "FAIL", detail: expect.stringMatching(/^the refresh token expired on /) });
    expect(shopify.state.tokenRequests.refresh_token).toBe(before);
  });

  it("FAILs carrier credentials the carrier refuses and says to replace them", async () => {
    const { domain, clientId } = await healthyShop();
    fedex.state.revoke(clientId);
    const carrier = check(await reportOf(domain), /^FedEx /);
    expect(carrier.status).toBe("FAIL");
    expect(carrier.detail).toMatch(/^FedEx refused the credentials/);
    expect(carrier.fix).toMatch(/^Replace the credentials in Rappit > Carriers/);
  });

  it("FAILs scopes Shopify has not granted", async () => {
    const { domain } = await healthyShop();
    const session = (await app.shopify.offlineSessionStore.loadSession(`offline_${domain}`))!;
    session.scope = "read_orders,write_orders";
    await app.shopify.offlineSessionStore.storeSession(session);
    const scopes = check(await reportOf(domain), /^Shopify scopes$/);
    expect(scopes.status).toBe("FAIL");
    expect(scopes.detail).toContain("write_fulfillments");
  });

  it("keeps the Health card's report for the shop", async () => {
    const { domain, shop } = await healthyShop();
    expect(await app.health.cachedHealthReport(shop.id)).toBeNull();
    const report = await app.health.runHealthChecks(domain);
    expect(report?.checks.every((c) => c.status === "OK")).toBe(true);
    expect(await app.health.cachedHealthReport(shop.id)).toEqual(report);
  });

  it("runs on demand from the Health card on /app, which then shows the report", async () => {
    const { domain, clientId } = await healthyShop();
    fedex.state.revoke(clientId);
    const adminRequest = (init?: RequestInit) =>
      setUpValidRequest(
        { type: RequestType.Bearer, store: domain.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
        new Request(`${APP_URL}/app`, init),
      );
    const before = (await app.home.loader({ request: await adminRequest(), params: {}, context: {} })) as { health: ShopReport | null };
    expect(before.health).toBeNull();

    const body = new URLSearchParams({ intent: "run-health-checks" });
    const ran = (await app.home.action({ request: await adminRequest({ method: "POST", body }), params: {}, context: {} })) as { health: ShopReport };
    expect(check(ran.health, /^FedEx /)).toMatchObject({ status: "FAIL", fix: expect.stringMatching(/^Replace the credentials/) });

    const after = (await app.home.loader({ request: await adminRequest(), params: {}, context: {} })) as { health: ShopReport | null };
    expect(after.health).toEqual(ran.health);
  });

  it("prints one line per check with the fix, --json for machines, and exits 1 on a FAIL", async () => {
    const { domain, clientId } = await healthyShop();
    fedex.state.revoke(clientId);
    // Asynchronously: the emulators answering the command live in this process.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", "scripts/doctor.ts", ...args], { env: process.env, encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) =>
          resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
        );
      });

    const text = await run("--shop", domain);
    expect(text.status, `${text.stderr}\n${text.stdout}`).toBe(1);
    const lines = text.stdout.trim().split("\n");
    expect(lines, text.stderr).toHaveLength(6);
    expect(lines[0]).toMatch(new RegExp(`^OK    ${domain.replace(/\./g, "\\.")}  Shopify token: Admin API call OK`));
    expect(lines.find((line) => line.startsWith("FAIL"))).toMatch(/FedEx \d{9} \(sandbox\): FedEx refused the credentials.* Fix: Replace the credentials/);

    const json = await run("--shop", domain, "--json");
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; reports: ShopReport[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.reports[0].shop).toBe(domain);

    const unknown = await run("--shop", "nobody-here.myshopify.com");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('No shop "nobody-here.myshopify.com"');
  });
});
