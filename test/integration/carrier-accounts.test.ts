import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDhlEmulator } from "../../emulators/dhl/server";
import { startFedexEmulator } from "../../emulators/fedex/server";

// Carrier accounts and labels end to end: the Carriers page's actions and the order
// page's "Buy shipping label", through the token service, policies and connectors,
// against the FedEx and DHL emulators, PostgreSQL and Redis.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  carriers: await import("~/routes/app.carriers"),
  orderPage: await import("~/routes/app.orders.$id"),
  labelRoute: await import("~/routes/app.orders.$id.labels.$shipmentId"),
  accounts: await import("~/carriers/accounts.server"),
  labels: await import("~/carriers/labels.server"),
  shops: await import("../factories/shop.factory"),
  requests: await import("../support/admin-requests"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let dhl: Awaited<ReturnType<typeof startDhlEmulator>>;
let sequence = 0;

beforeAll(async () => {
  fedex = await startFedexEmulator();
  dhl = await startDhlEmulator();
  process.env.FEDEX_API_ORIGIN = fedex.url;
  process.env.DHL_API_ORIGIN = dhl.url;
  process.env.CARRIER_TIMEOUT_MS = "400";
  process.env.CARRIER_BREAKER_COOLDOWN_MS = "1500";
  app = await loadApp();
});

afterAll(async () => {
  await fedex.close();
  await dhl.close();
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

function fedexAccount() {
  sequence += 1;
  const account = { clientId: `l7fedexkey${sequence}${Date.now()}`, clientSecret: `fedexsecret-${sequence}-${Date.now()}`, accountNumber: String(700000000 + sequence) };
  fedex.state.addAccount(account);
  return account;
}

async function post(shopDomain: string, path: string, fields: Record<string, string>, route: { action: (args: never) => Promise<unknown> }, params: Record<string, string> = {}) {
  const request = await app.requests.adminRequest(shopDomain, path, { method: "POST", body: new URLSearchParams(fields) });
  const response = await app.requests.settle(() => route.action({ request, params, context: {} } as never));
  return { status: response.status, body: (await response.json()) as { ok: boolean; message: string; errors?: Record<string, string> } };
}

const addFedex = (shopDomain: string, account: ReturnType<typeof fedexAccount>) =>
  post(shopDomain, "/app/carriers", { intent: "add", carrier: "FEDEX", environment: "SANDBOX", ...account }, app.carriers);

async function shopWithFedex() {
  const shop = await app.shops.buildShop();
  const account = fedexAccount();
  expect((await addFedex(shop.domain, account)).body).toMatchObject({ ok: true });
  const db = app.db.forShop(shop.id);
  const stored = await db.shippingAccount.findFirstOrThrow({ where: { accountNumber: account.accountNumber } });
  return { shop, db, account, stored };
}

describe("carrier accounts", () => {
  it("connects a FedEx account after the carrier accepts it: encrypted, masked, audited, default", async () => {
    const { shop, db, account, stored } = await shopWithFedex();
    expect(stored).toMatchObject({ status: "CONNECTED", isDefault: true, credentialsHint: account.clientId.slice(-4) });
    expect(stored.credentials).toMatch(/^enc:v1:/);
    const raw = await app.db.getPrisma().$queryRaw<Array<{ row: string }>>`SELECT s::text AS row FROM "ShippingAccount" s WHERE id = ${stored.id}::uuid`;
    expect(raw[0].row).not.toContain(account.clientSecret);
    expect(await db.auditLog.count({ where: { action: "CARRIER_CONNECTED", subjectId: stored.id } })).toBe(1);

    const request = await app.requests.adminRequest(shop.domain, "/app/carriers");
    const page = await (await app.requests.settle(() => app.carriers.loader({ request, params: {}, context: {} }))).text();
    expect(page).not.toContain(account.clientSecret);
    expect(page).toContain(`••••${account.clientId.slice(-4)}`);
  });

  it("shows FedEx's own message for bad credentials and stores nothing", async () => {
    const shop = await app.shops.buildShop();
    const answer = await addFedex(shop.domain, { clientId: "l7unknownkey1", clientSecret: "not-the-secret", accountNumber: "123456789" });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("The given client credentials were not valid");
    expect(await app.db.forShop(shop.id).shippingAccount.count()).toBe(0);
  });

  it("refuses an invalid form field by field, without calling the carrier", async () => {
    const shop = await app.shops.buildShop();
    const tokensBefore = fedex.state.counts.token;
    const answer = await post(shop.domain, "/app/carriers", { intent: "add", carrier: "FEDEX", environment: "SANDBOX", clientId: "short", clientSecret: "", accountNumber: "1234" }, app.carriers);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.errors ?? {}).sort()).toEqual(["accountNumber", "clientId", "clientSecret"]);
    expect(fedex.state.counts.token).toBe(tokensBefore);
    expect(await app.db.forShop(shop.id).shippingAccount.count()).toBe(0);
  });

  it("shows Needs re-auth with the carrier's message when Test connection meets revoked credentials", async () => {
    const { shop, db, account, stored } = await shopWithFedex();
    fedex.state.revoke(account.clientId);
    const answer = await post(shop.domain, "/app/carriers", { intent: "test", accountId: stored.id }, app.carriers);
    expect(answer.body.ok).toBe(false);
    expect(answer.body.message).toContain("FedEx refused the credentials");
    expect(await db.shippingAccount.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: "NEEDS_REAUTH" });
  });

  it("connects DHL eCommerce, picks accounts by destination, and disconnects with the credentials deleted", async () => {
    const { shop, db, stored: fedexAccountRow } = await shopWithFedex();
    const credentials = { clientId: `dhlclient-${Date.now()}`, clientSecret: `dhlsecret-${Date.now()}`, pickup: "5351244" };
    dhl.state.addAccount(credentials);
    const added = await post(
      shop.domain,
      "/app/carriers",
      { intent: "add", carrier: "DHL_ECOMMERCE", environment: "SANDBOX", clientId: credentials.clientId, clientSecret: credentials.clientSecret, accountNumber: credentials.pickup, distributionCenter: "usatl1" },
      app.carriers,
    );
    expect(added.body).toMatchObject({ ok: true });
    const dhlRow = await db.shippingAccount.findFirstOrThrow({ where: { carrier: "DHL_ECOMMERCE" } });
    expect(dhlRow.isDefault).toBe(false);

    expect((await post(shop.domain, "/app/carriers", { intent: "use-for", accountId: dhlRow.id, useFor: "INTERNATIONAL" }, app.carriers)).body.ok).toBe(true);
    expect((await app.accounts.accountForDestination(db, "US", "CA"))?.id).toBe(dhlRow.id);
    expect((await app.accounts.accountForDestination(db, "US", "US"))?.id).toBe(fedexAccountRow.id);

    expect((await post(shop.domain, "/app/carriers", { intent: "disconnect", accountId: dhlRow.id }, app.carriers)).body.ok).toBe(true);
    expect(await db.shippingAccount.findUniqueOrThrow({ where: { id: dhlRow.id } })).toMatchObject({ status: "DISCONNECTED", credentials: null, useFor: null });
    expect(await db.auditLog.count({ where: { action: "CARRIER_DISCONNECTED", subjectId: dhlRow.id } })).toBe(1);
    expect((await post(shop.domain, "/app/carriers", { intent: "disconnect", accountId: dhlRow.id }, app.carriers)).status).toBe(404);
  });
});

async function orderReadyToShip(shopId: string, country = "US") {
  const db = app.db.forShop(shopId);
  await db.shop.update({
    where: { id: shopId },
    data: { shipFrom: { name: "Rappit Store", phone: "9015550100", address1: "10 Main St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" } },
  });
  const channel = await db.channel.findFirstOrThrow({ where: { type: "SHOPIFY" } });
  const now = new Date();
  return db.order.create({
    data: {
      shopId,
      channelId: channel.id,
      externalOrderId: String(Date.now() + Math.random()),
      name: `#${1000 + sequence++}`,
      customerName: "Ada Buyer",
      phone: "5550100",
      shippingAddress: { name: "Ada Buyer", address1: "1 Elm St", city: country === "US" ? "Austin" : "Toronto", province_code: country === "US" ? "TX" : "ON", zip: country === "US" ? "78701" : "M5V 2T6", country_code: country },
      totalPrice: "25.00",
      currency: "USD",
      externalCreatedAt: now,
      externalUpdatedAt: now,
      lines: { create: [{ shopId, externalLineId: "1", title: "Tote", quantity: 2, price: "12.50" }] },
    },
  });
}

describe("carrier circuit breaker", () => {
  it("opens after exactly 5 consecutive 5xx, stops calling FedEx, half-opens after the cool-down and closes on success", async () => {
    // Production environment: its own breaker, apart from the sandbox accounts of the other tests.
    const shop = await app.shops.buildShop();
    const account = fedexAccount();
    const added = await post(shop.domain, "/app/carriers", { intent: "add", carrier: "FEDEX", environment: "PRODUCTION", ...account }, app.carriers);
    expect(added.body.ok).toBe(true);
    const stored = await app.db.forShop(shop.id).shippingAccount.findFirstOrThrow({ where: { accountNumber: account.accountNumber } });
    const connector = (await import("~/carriers/carrier-call.server")).connectorFor(stored);
    const { CircuitOpenError, breakerStates } = await import("~/carriers/core/policies.server");
    const quote = () => connector.quote({ from: { name: "A", address1: "1 A St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" }, to: { name: "B", address1: "1 B St", city: "Austin", provinceCode: "TX", zip: "78701", countryCode: "US" }, parcel: { weightGrams: 500 } });

    fedex.state.faults.fail5xxNext = 100;
    const before = fedex.state.counts.rate;
    let opened: unknown = null;
    try {
      for (let i = 0; i < 10 && !opened; i++) {
        try {
          await quote();
        } catch (error) {
          if (error instanceof CircuitOpenError) opened = error;
        }
      }
      expect(opened).toBeInstanceOf(CircuitOpenError);
      expect(fedex.state.counts.rate - before).toBe(5);
      await expect(quote()).rejects.toBeInstanceOf(CircuitOpenError);
      expect(fedex.state.counts.rate - before).toBe(5); // refused without calling
      expect(breakerStates().find((b) => b.carrier === "fedex" && b.environment === "production")?.state).toBe("open");
    } finally {
      fedex.state.faults.fail5xxNext = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await quote()).length).toBeGreaterThan(0);
    expect(breakerStates().find((b) => b.carrier === "fedex" && b.environment === "production")?.state).toBe("closed");
  });
});

describe("shipping labels", () => {
  it("buys one label from the order page and never a second one", async () => {
    const { shop, db } = await shopWithFedex();
    const order = await orderReadyToShip(shop.id);
    const shipsBefore = fedex.state.counts.ship;
    const first = await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id });
    expect(first.body.ok).toBe(true);
    const again = await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id });
    expect(again.body.ok).toBe(true);
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);

    const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
    expect(shipment).toMatchObject({ status: "PURCHASED", carrier: "FEDEX", labelFormat: "PDF" });
    expect(Buffer.from(shipment.label!).subarray(0, 4).toString()).toBe("%PDF");

    const download = await app.requests.adminRequest(shop.domain, `/app/orders/${order.id}/labels/${shipment.id}`);
    const file = await app.requests.settle(() => app.labelRoute.loader({ request: download, params: { id: order.id, shipmentId: shipment.id }, context: {} }));
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("application/pdf");

    const stranger = await app.shops.buildShop();
    const foreign = await app.requests.adminRequest(stranger.domain, `/app/orders/${order.id}/labels/${shipment.id}`);
    expect((await app.requests.settle(() => app.labelRoute.loader({ request: foreign, params: { id: order.id, shipmentId: shipment.id }, context: {} }))).status).toBe(404);
  });

  it("recovers a FedEx label bought while the answer was lost: one shipment at FedEx", async () => {
    const { shop, db } = await shopWithFedex();
    const order = await orderReadyToShip(shop.id);
    const shipsBefore = fedex.state.counts.ship;
    fedex.state.faults.hangNext = 1; // the shipment is created, the answer never comes
    // The service is given, so the purchase is the first call the carrier sees.
    await expect(app.labels.buyLabelForOrder(db, order.id, { service: "FEDEX_GROUND" })).rejects.toThrow();
    expect(await db.shipment.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ status: "PENDING" });

    const retry = await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id });
    expect(retry.body.ok).toBe(true);
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    const shipment = await db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
    expect(shipment.status).toBe("PURCHASED");
    expect(shipment.trackingNumber).toBe(fedex.state.shipments.find((s) => s.references.includes(shipment.reference))?.trackingNumber);
  });

  it("recovers a DHL label bought while the answer was lost, label included", async () => {
    const shop = await app.shops.buildShop();
    const credentials = { clientId: `dhlclient-${Date.now()}`, clientSecret: `dhlsecret-${Date.now()}`, pickup: "5351288" };
    dhl.state.addAccount(credentials);
    await post(
      shop.domain,
      "/app/carriers",
      { intent: "add", carrier: "DHL_ECOMMERCE", environment: "SANDBOX", clientId: credentials.clientId, clientSecret: credentials.clientSecret, accountNumber: credentials.pickup, distributionCenter: "USATL1" },
      app.carriers,
    );
    const order = await orderReadyToShip(shop.id);
    const shipsBefore = dhl.state.counts.ship;
    dhl.state.faults.hangNext = 1;
    await expect(app.labels.buyLabelForOrder(app.db.forShop(shop.id), order.id, { service: "GND" })).rejects.toThrow();
    expect((await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id })).body.ok).toBe(true);
    expect(dhl.state.counts.ship - shipsBefore).toBe(1);
    const shipment = await app.db.forShop(shop.id).shipment.findFirstOrThrow({ where: { orderId: order.id } });
    expect(shipment).toMatchObject({ status: "PURCHASED", carrier: "DHL_ECOMMERCE" });
    expect(shipment.label).not.toBeNull();
  });

  it("marks the account Needs re-auth when the carrier refuses its credentials at purchase", async () => {
    const { shop, db, account, stored } = await shopWithFedex();
    const order = await orderReadyToShip(shop.id);
    fedex.state.revoke(account.clientId);
    fedex.state.expireTokensNow();
    const answer = await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id });
    expect(answer.body.ok).toBe(false);
    expect(answer.body.message).toContain("FedEx refused the credentials");
    expect(await db.shippingAccount.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: "NEEDS_REAUTH" });
  });

  it("lets only one of two concurrent purchases reach the carrier", async () => {
    const { shop, db } = await shopWithFedex();
    const order = await orderReadyToShip(shop.id);
    const shipsBefore = fedex.state.counts.ship;
    const results = await Promise.allSettled([
      app.labels.buyLabelForOrder(db, order.id, { service: "FEDEX_GROUND" }),
      app.labels.buyLabelForOrder(db, order.id, { service: "FEDEX_GROUND" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(app.labels.LabelPurchaseInProgressError);
    expect(fedex.state.counts.ship - shipsBefore).toBe(1);
    expect(await db.shipment.count({ where: { orderId: order.id } })).toBe(1);
  });

  it("explains what is missing before any carrier call", async () => {
    const shop = await app.shops.buildShop();
    const order = await orderReadyToShip(shop.id);
    const answer = await post(shop.domain, `/app/orders/${order.id}`, {}, app.orderPage, { id: order.id });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("Connect a carrier account");
  });
});
