import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startDhlEmulator, type CarrierEmulator, type DhlState } from "../../emulators/dhl/server";

// The DHL eCommerce Americas v4 emulator against DHL's rules (carriers-woo.md
// section 3): real sockets, requests shaped as DHL documents them.

const ACCOUNT = { clientId: "dhl-client-0001", clientSecret: "dhl-secret-0001", pickup: "5351234" };
const OTHER = { clientId: "dhl-client-0002", clientSecret: "dhl-secret-0002", pickup: "5359999" };
const PROBLEM_TYPE = expect.any(String);

let dhl: CarrierEmulator<DhlState>;

beforeEach(async () => {
  dhl = await startDhlEmulator();
  dhl.state.addAccount(ACCOUNT);
  dhl.state.addAccount(OTHER);
});

afterEach(async () => {
  await dhl.close();
});

async function grant(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${dhl.url}/auth/v4/accesstoken`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const formFor = (credentials: { clientId: string; clientSecret: string }) => ({ grant_type: "client_credentials", client_id: credentials.clientId, client_secret: credentials.clientSecret });

async function token(credentials = ACCOUNT): Promise<string> {
  const reply = await grant(formFor(credentials));
  expect(reply.status).toBe(200);
  return reply.body.access_token;
}

async function api(method: "GET" | "POST", path: string, body: unknown, options: { token?: string | null; signal?: AbortSignal } = {}) {
  const response = await fetch(`${dhl.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const consignee = (country = "US") => ({ name: "Ada Buyer", address1: "2700 S Commerce Pkwy", city: "Weston", state: "FL", country, postalCode: "33331", phone: "9545550101" });
const shipper = { name: "Rappit Shop", address1: "1210 S Pine Island Rd", city: "Plantation", state: "FL", country: "US", postalCode: "33324" };

function productsBody(options: { country?: string; pounds?: number; pickup?: string } = {}) {
  return {
    pickup: options.pickup ?? ACCOUNT.pickup,
    distributionCenter: "USATL1",
    consigneeAddress: consignee(options.country),
    returnAddress: shipper,
    packageDetail: { weight: { value: options.pounds ?? 2.2, unitOfMeasure: "LB" } },
  };
}

function labelBody(options: { packageId?: string; product?: string; country?: string; pickup?: string } = {}) {
  return {
    pickup: options.pickup ?? ACCOUNT.pickup,
    distributionCenter: "USATL1",
    orderedProductId: options.product ?? "GND",
    consigneeAddress: consignee(options.country),
    returnAddress: shipper,
    packageDetail: { packageId: options.packageId ?? "rappit-ref-1", packageDescription: "#1001", weight: { value: 2.2, unitOfMeasure: "LB" } },
  };
}

const reprint = (packageId: string, bearer: string, pickup = ACCOUNT.pickup) =>
  api("GET", `/shipping/v4/label?${new URLSearchParams({ pickup, packageId })}`, undefined, { token: bearer });

describe("access token", () => {
  it("grants client_credentials from the form or HTTP Basic", async () => {
    const form = await grant(formFor(ACCOUNT));
    expect(form.status).toBe(200);
    expect(form.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 3600 });
    const basic = await grant({ grant_type: "client_credentials" }, { Authorization: `Basic ${Buffer.from(`${ACCOUNT.clientId}:${ACCOUNT.clientSecret}`).toString("base64")}` });
    expect(basic.status).toBe(200);
    expect(basic.body.access_token).not.toBe(form.body.access_token);
    expect(dhl.state.counts.token).toBe(2);
  });

  it("refuses bad credentials with a problem document", async () => {
    for (const form of [formFor({ ...ACCOUNT, clientSecret: "wrong" }), formFor({ clientId: "nobody", clientSecret: "x" })]) {
      const reply = await grant(form);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("content-type")).toBe("application/problem+json");
      expect(reply.body).toEqual({ type: PROBLEM_TYPE, title: "Unauthorized", status: 401, detail: "Invalid client credentials" });
    }
    const wrongBasic = await grant({ grant_type: "client_credentials" }, { Authorization: `Basic ${Buffer.from(`${ACCOUNT.clientId}:nope`).toString("base64")}` });
    expect(wrongBasic.status).toBe(401);
  });

  it("answers 400 for a missing or other grant_type", async () => {
    expect((await grant({ client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret })).status).toBe(400);
    expect((await grant({ ...formFor(ACCOUNT), grant_type: "password" })).status).toBe(400);
  });

  it("requires a valid bearer token on business calls", async () => {
    for (const bearer of [null, "not-a-token"]) {
      const reply = await api("POST", "/shipping/v4/products", productsBody(), { token: bearer });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ title: "Unauthorized", status: 401 });
    }
  });

  it("expires tokens after tokenExpiresIn", async () => {
    dhl.state.faults.tokenExpiresIn = 0.3;
    const reply = await grant(formFor(ACCOUNT));
    expect(reply.body.expires_in).toBe(0.3);
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: reply.body.access_token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const expired = await api("POST", "/shipping/v4/products", productsBody(), { token: reply.body.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ type: PROBLEM_TYPE, title: "Unauthorized", status: 401, detail: "Access token expired" });
  });

  it("expires every issued token on expireTokensNow(); a new grant works", async () => {
    const old = await token();
    dhl.state.expireTokensNow();
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: old })).body.detail).toBe("Access token expired");
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: await token() })).status).toBe(200);
  });

  it("revoked credentials: grants fail and issued tokens stop working", async () => {
    const issued = await token();
    dhl.state.revoke(ACCOUNT.clientId);
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: issued })).status).toBe(401);
    expect((await grant(formFor(ACCOUNT))).status).toBe(401);
    expect((await api("POST", "/shipping/v4/products", productsBody({ pickup: OTHER.pickup }), { token: await token(OTHER) })).status).toBe(200);
  });
});

describe("products (rates)", () => {
  it("quotes domestic products with rates derived from weight", async () => {
    const reply = await api("POST", "/shipping/v4/products", productsBody({ pounds: 2.2 }), { token: await token() });
    expect(reply.status).toBe(200);
    const [ground] = reply.body.products;
    expect(ground).toMatchObject({ orderedProductId: "GND", productName: "DHL SmartMail Parcel Ground", rate: { amount: 5.75, currency: "USD" } });
    expect(reply.body.products.map((p: { orderedProductId: string }) => p.orderedProductId)).toEqual(["GND", "EXP", "MAX"]);
    const heavier = await api("POST", "/shipping/v4/products", productsBody({ pounds: 12 }), { token: await token() });
    expect(heavier.body.products[0].rate.amount).toBeGreaterThan(5.75);
  });

  it("quotes international products when the consignee is abroad", async () => {
    const reply = await api("POST", "/shipping/v4/products", productsBody({ country: "CA" }), { token: await token() });
    expect(reply.body.products.map((p: { orderedProductId: string }) => p.orderedProductId)).toEqual(["PLT", "PKY"]);
  });

  it("refuses another pickup account with 403 and missing fields with invalidParams", async () => {
    const bearer = await token();
    const forbidden = await api("POST", "/shipping/v4/products", productsBody({ pickup: OTHER.pickup }), { token: bearer });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ title: "Forbidden", status: 403 });
    const body: Record<string, unknown> = productsBody();
    delete body.distributionCenter;
    body.packageDetail = { weight: { value: 0, unitOfMeasure: "STONE" } };
    const invalid = await api("POST", "/shipping/v4/products", body, { token: bearer });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(["distributionCenter", "packageDetail.weight.value", "packageDetail.weight.unitOfMeasure"]);
  });
});

describe("label", () => {
  it("buys a label: base64 PDF, DHL package id, domestic tracking id, recorded", async () => {
    const reply = await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "rappit-ref-7" }), { token: await token() });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ pickup: ACCOUNT.pickup, distributionCenter: "USATL1", orderedProductId: "GND", timestamp: expect.any(String) });
    const [label] = reply.body.labels;
    expect(label).toMatchObject({ packageId: "rappit-ref-7", encodeType: "BASE64", format: "PDF" });
    expect(label.dhlPackageId).toMatch(/^GM5351234\d{10}$/);
    expect(label.trackingId).toMatch(/^\d{22}$/);
    const pdf = Buffer.from(label.labelData, "base64");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");

    const [stored] = dhl.state.shipments;
    expect(stored).toMatchObject({ packageId: "rappit-ref-7", references: ["rappit-ref-7"], dhlPackageId: label.dhlPackageId, trackingId: label.trackingId, orderedProductId: "GND", format: "PDF", cancelled: false });
    expect(stored.label.equals(pdf)).toBe(true);
  });

  it("renders ZPL and PNG, and has no last-mile tracking id abroad yet", async () => {
    const bearer = await token();
    const zpl = await api("POST", "/shipping/v4/label?format=ZPL", labelBody({ packageId: "z-1" }), { token: bearer });
    expect(Buffer.from(zpl.body.labels[0].labelData, "base64").toString()).toMatch(/^\^XA/);
    const png = await api("POST", "/shipping/v4/label?format=PNG", labelBody({ packageId: "p-1", product: "PLT", country: "CA" }), { token: bearer });
    expect(Buffer.from(png.body.labels[0].labelData, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(png.body.labels[0].trackingId).toBeNull();
  });

  it("refuses a packageId already used under the pickup account", async () => {
    const bearer = await token();
    expect((await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "dup" }), { token: bearer })).status).toBe(200);
    const again = await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "dup" }), { token: bearer });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: 400, invalidParams: [{ name: "packageDetail.packageId", reason: "Package ID already exists" }] });
    expect(dhl.state.shipments).toHaveLength(1);
    // Another pickup account has its own packageId space.
    expect((await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "dup", pickup: OTHER.pickup }), { token: await token(OTHER) })).status).toBe(200);
  });

  it("names missing fields in invalidParams, checks format and product, and buys nothing", async () => {
    const bearer = await token();
    const body = labelBody();
    const partial: Record<string, unknown> = body;
    delete partial.orderedProductId;
    body.consigneeAddress = { ...consignee(), city: "", state: "" };
    (body.packageDetail as Partial<typeof body.packageDetail>).packageId = undefined;
    const invalid = await api("POST", "/shipping/v4/label?format=PDF", body, { token: bearer });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(["orderedProductId", "consigneeAddress.city", "consigneeAddress.state", "packageDetail.packageId"]);
    expect((await api("POST", "/shipping/v4/label?format=GIF", labelBody(), { token: bearer })).body.invalidParams[0].name).toBe("format");
    expect((await api("POST", "/shipping/v4/label", labelBody(), { token: bearer })).status).toBe(400);
    expect((await api("POST", "/shipping/v4/label?format=PDF", labelBody({ product: "PLT" }), { token: bearer })).body.invalidParams[0].name).toBe("orderedProductId");
    const forbidden = await api("POST", "/shipping/v4/label?format=PDF", labelBody({ pickup: OTHER.pickup }), { token: bearer });
    expect(forbidden.status).toBe(403);
    expect(dhl.state.shipments).toHaveLength(0);
  });

  it("reprints the label of an existing package by packageId; 404 otherwise", async () => {
    const bearer = await token();
    const bought = await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "rappit-ref-9" }), { token: bearer });
    const again = await reprint("rappit-ref-9", bearer);
    expect(again.status).toBe(200);
    expect(again.body.labels).toEqual(bought.body.labels);
    const missing = await reprint("never-bought", bearer);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: "Not Found", status: 404 });
    expect((await reprint("rappit-ref-9", bearer, OTHER.pickup)).status).toBe(403);
    expect(dhl.state.counts).toMatchObject({ ship: 1, lookup: 3 });
  });

  it("tracks a package with the events tests set", async () => {
    const bearer = await token();
    const bought = await api("POST", "/shipping/v4/label?format=PDF", labelBody(), { token: bearer });
    const { trackingId, dhlPackageId } = bought.body.labels[0];
    const initial = await api("GET", `/tracking/v4/package?trackingId=${trackingId}`, undefined, { token: bearer });
    expect(initial.body.packages[0].package).toMatchObject({ packageId: "rappit-ref-1", dhlPackageId, trackingId });
    expect(initial.body.packages[0].events[0].primaryEventDescription).toBe("LABEL CREATED");
    dhl.state.setTrackingEvents(dhlPackageId, [{ date: "2026-11-23", time: "10:00:00", primaryEventDescription: "DELIVERED", eventCode: "DL" }]);
    const byPackage = await api("GET", "/tracking/v4/package?packageId=rappit-ref-1", undefined, { token: bearer });
    expect(byPackage.body.packages[0].events).toEqual([{ date: "2026-11-23", time: "10:00:00", primaryEventDescription: "DELIVERED", eventCode: "DL" }]);
    expect((await api("GET", "/tracking/v4/package?trackingId=000", undefined, { token: bearer })).status).toBe(404);
    expect(dhl.state.counts.track).toBe(3);
  });
});

describe("faults", () => {
  it("hangNext: the label is bought but the answer never comes; the reprint finds it", async () => {
    const bearer = await token();
    dhl.state.faults.hangNext = 1;
    await expect(api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "lost-answer" }), { token: bearer, signal: AbortSignal.timeout(150) })).rejects.toThrow(/timeout|aborted/i);
    expect(dhl.state.shipments).toHaveLength(1);
    expect(dhl.state.requests.at(-1)).toMatchObject({ method: "POST", path: "/shipping/v4/label", status: null });
    const found = await reprint("lost-answer", bearer);
    expect(found.status).toBe(200);
    expect(found.body.labels[0].dhlPackageId).toBe(dhl.state.shipments[0].dhlPackageId);
    // A resend of the same package is refused rather than bought twice.
    expect((await api("POST", "/shipping/v4/label?format=PDF", labelBody({ packageId: "lost-answer" }), { token: bearer })).status).toBe(400);
  });

  it("fail5xxNext answers 503 without buying; token grants are spared unless asked", async () => {
    dhl.state.faults.fail5xxNext = 1;
    const bearer = await token();
    const failed = await api("POST", "/shipping/v4/label?format=PDF", labelBody(), { token: bearer });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ title: "Service Unavailable", status: 503 });
    expect(dhl.state.shipments).toHaveLength(0);
    expect((await api("POST", "/shipping/v4/label?format=PDF", labelBody(), { token: bearer })).status).toBe(200);
    dhl.state.faults.includeTokenRequests = true;
    dhl.state.faults.fail5xxNext = 1;
    expect((await grant(formFor(ACCOUNT))).status).toBe(503);
  });

  it("rateLimitNext answers 429 with Retry-After", async () => {
    const bearer = await token();
    dhl.state.faults.rateLimitNext = 2;
    const first = await api("POST", "/shipping/v4/products", productsBody(), { token: bearer });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(first.body).toMatchObject({ title: "Too Many Requests", status: 429 });
    dhl.state.faults.retryAfterSeconds = 3;
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: bearer })).headers.get("retry-after")).toBe("3");
    expect((await api("POST", "/shipping/v4/products", productsBody(), { token: bearer })).status).toBe(200);
  });

  it("counts and logs every request", async () => {
    const bearer = await token();
    await api("POST", "/shipping/v4/products", productsBody(), { token: bearer });
    await api("POST", "/shipping/v4/label?format=PDF", labelBody(), { token: bearer });
    await reprint("rappit-ref-1", bearer);
    expect(dhl.state.counts).toEqual({ token: 1, rate: 1, ship: 1, lookup: 1, track: 0, cancel: 0 });
    expect(dhl.state.requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      "POST /auth/v4/accesstoken 200",
      "POST /shipping/v4/products 200",
      "POST /shipping/v4/label 200",
      "GET /shipping/v4/label 200",
    ]);
  });
});
