import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabelRequest } from "~/carriers/connector";
import { startDhlEmulator } from "../../emulators/dhl/server";
import { startFedexEmulator } from "../../emulators/fedex/server";

// Tracking through the connectors (token service, policy, transport, mapping) against the
// FedEx and DHL emulators: a label bought, the carrier's clock moved on, each poll reads
// the same events with the same keys and only the new ones are new.
const loadApp = async () => ({
  db: await import("~/db/prisma.server"),
  queues: await import("~/jobs/queues.server"),
  redis: await import("~/jobs/redis.server"),
  accounts: await import("~/carriers/accounts.server"),
  calls: await import("~/carriers/carrier-call.server"),
  tracking: await import("~/carriers/tracking"),
  shops: await import("../factories/shop.factory"),
});
let app: Awaited<ReturnType<typeof loadApp>>;
let fedex: Awaited<ReturnType<typeof startFedexEmulator>>;
let dhl: Awaited<ReturnType<typeof startDhlEmulator>>;

beforeAll(async () => {
  fedex = await startFedexEmulator();
  dhl = await startDhlEmulator();
  process.env.FEDEX_API_ORIGIN = fedex.url;
  process.env.DHL_API_ORIGIN = dhl.url;
  app = await loadApp();
});

afterAll(async () => {
  await Promise.all([fedex.close(), dhl.close()]);
  await app.queues.closeQueues();
  await app.redis.closeProducerRedis();
  await app.db.disconnectPrisma();
});

const label = (service: string): LabelRequest => ({
  reference: `R${randomBytes(12).toString("hex")}`,
  service,
  from: { name: "Rappit Store", phone: "9015550100", address1: "10 Main St", city: "Memphis", provinceCode: "TN", zip: "38116", countryCode: "US" },
  to: { name: "Ada Buyer", address1: "1 Elm St", city: "Austin", provinceCode: "TX", zip: "78701", countryCode: "US" },
  parcel: { weightGrams: 900 },
  labelFormat: "PDF",
  orderName: "#1001",
});

async function connected(carrier: "FEDEX" | "DHL_ECOMMERCE") {
  const shop = await app.shops.buildShop();
  const db = app.db.forShop(shop.id);
  const clientId = `l7${randomBytes(6).toString("hex")}`;
  const clientSecret = randomBytes(12).toString("hex");
  const accountNumber = carrier === "FEDEX" ? String(700_000_000 + Math.floor(Math.random() * 99_999_999)) : String(5_000_000 + Math.floor(Math.random() * 999_999));
  if (carrier === "FEDEX") fedex.state.addAccount({ clientId, clientSecret, accountNumber });
  else dhl.state.addAccount({ clientId, clientSecret, pickup: accountNumber });
  const added = await app.accounts.addCarrierAccount(
    db,
    carrier === "FEDEX"
      ? { carrier, environment: "SANDBOX", accountNumber, credentials: { clientId, clientSecret } }
      : { carrier, environment: "SANDBOX", accountNumber, credentials: { clientId, clientSecret, distributionCenter: "USATL1" } },
    { type: "SYSTEM", id: "test" },
  );
  expect(added.ok).toBe(true);
  const account = await db.shippingAccount.findFirstOrThrow({ where: { accountNumber } });
  return app.calls.connectorFor(account);
}

describe("carrier tracking", () => {
  it("FedEx: a label goes label created → in transit → out for delivery → delivered; polls repeat the same events", async () => {
    const connector = await connected("FEDEX");
    const bought = await connector.buyLabel(label("FEDEX_GROUND"));

    const first = await connector.track([bought.trackingNumber]);
    expect(first).toEqual([{ trackingNumber: bought.trackingNumber, found: true, events: [expect.objectContaining({ status: "LABEL_CREATED", carrierCode: "OC" })] }]);

    const start = Date.now();
    fedex.state.setTrackingStatus(bought.trackingNumber, "PU", "Picked up", { at: new Date(start + 60_000), city: "MEMPHIS", stateOrProvinceCode: "TN", countryCode: "US" });
    fedex.state.setTrackingStatus(bought.trackingNumber, "IT", "In transit", { at: new Date(start + 120_000), city: "DALLAS", stateOrProvinceCode: "TX", countryCode: "US" });
    fedex.state.setTrackingStatus(bought.trackingNumber, "OD", "On FedEx vehicle for delivery", { at: new Date(start + 180_000), city: "AUSTIN", stateOrProvinceCode: "TX", countryCode: "US" });
    fedex.state.setTrackingStatus(bought.trackingNumber, "DL", "Delivered", { at: new Date(start + 240_000), city: "AUSTIN", stateOrProvinceCode: "TX", countryCode: "US" });

    const [report] = await connector.track([bought.trackingNumber]);
    if (!report.found) throw new Error("FedEx did not find the shipment");
    // Oldest first, whatever order FedEx lists them in (newest first).
    expect(report.events.map((event) => event.status)).toEqual(["LABEL_CREATED", "IN_TRANSIT", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"]);
    expect(report.events[4]).toMatchObject({ location: "AUSTIN, TX, US", description: "Delivered", carrierCode: "DL" });
    expect(app.tracking.latestStatus(report.events)).toBe("DELIVERED");

    const [again] = await connector.track([bought.trackingNumber]);
    if (!again.found) throw new Error("FedEx did not find the shipment");
    expect(again.events.map((event) => event.key)).toEqual(report.events.map((event) => event.key));
  });

  it("FedEx: several numbers in one request, an unknown one reported as not found, exceptions and returns", async () => {
    const connector = await connected("FEDEX");
    const a = await connector.buyLabel(label("FEDEX_GROUND"));
    const b = await connector.buyLabel(label("FEDEX_GROUND"));
    fedex.state.setTrackingStatus(a.trackingNumber, "DE", "Delivery exception: customer not available");
    fedex.state.setTrackingStatus(b.trackingNumber, "RS", "Returning package to shipper");
    const tracksBefore = fedex.state.requests.filter((entry) => entry.path === "/track/v1/trackingnumbers").length;

    const reports = await connector.track([a.trackingNumber, b.trackingNumber, "999999999999"]);
    expect(fedex.state.requests.filter((entry) => entry.path === "/track/v1/trackingnumbers").length - tracksBefore).toBe(1);
    expect(reports.map((report) => (report.found ? app.tracking.latestStatus(report.events) : report.message))).toEqual([
      "EXCEPTION",
      "RETURNED",
      expect.stringMatching(/cannot be found/),
    ]);
    expect(connector.trackBatchSize).toBe(30);
    await expect(connector.track(Array.from({ length: 31 }, (_, i) => String(i)))).rejects.toThrow(RangeError);
  });

  it("DHL eCommerce: events mapped by their description, an unknown package not found", async () => {
    const connector = await connected("DHL_ECOMMERCE");
    const bought = await connector.buyLabel(label("GND"));
    dhl.state.setTrackingEvents(bought.trackingNumber, [
      { date: "2026-11-20", time: "08:00:00", timeZone: "EST", primaryEventDescription: "LABEL CREATED", eventCode: "LC" },
      { date: "2026-11-20", time: "18:30:00", timeZone: "EST", primaryEventDescription: "PROCESSED", eventCode: "PR", location: "Atlanta, GA, US" },
      { date: "2026-11-21", time: "07:10:00", timeZone: "EST", primaryEventDescription: "OUT FOR DELIVERY", eventCode: "OD", location: "Austin, TX, US" },
      { date: "2026-11-21", time: "15:45:00", timeZone: "EST", primaryEventDescription: "DELIVERED", eventCode: "DL", location: "Austin, TX, US" },
    ]);
    const [report, unknown] = await connector.track([bought.trackingNumber, "GM000000000000000000"]);
    if (!report.found) throw new Error("DHL did not find the package");
    expect(report.events.map((event) => event.status)).toEqual(["LABEL_CREATED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"]);
    expect(report.events[1]).toMatchObject({ location: "Atlanta, GA, US", carrierCode: "PR", occurredAt: new Date("2026-11-20T18:30:00Z") });
    expect(unknown).toMatchObject({ trackingNumber: "GM000000000000000000", found: false });
  });
});
