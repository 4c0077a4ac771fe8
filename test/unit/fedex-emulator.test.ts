import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFedexEmulator, type CarrierEmulator, type FedexState } from "../../emulators/fedex/server";

// The FedEx emulator against FedEx's own rules (carriers-woo.md section 2): real
// sockets, requests shaped as FedEx documents them.

const ACCOUNT = { clientId: "l7fedexproject0001", clientSecret: "fedex-secret-0001", accountNumber: "740561073" };
const OTHER = { clientId: "l7fedexproject0002", clientSecret: "fedex-secret-0002", accountNumber: "510087020" };
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const EXPIRED = { code: "NOT.AUTHORIZED.ERROR", message: "Access token expired. Please modify your request and try again." };

let fedex: CarrierEmulator<FedexState>;

beforeEach(async () => {
  fedex = await startFedexEmulator();
  fedex.state.addAccount(ACCOUNT);
  fedex.state.addAccount(OTHER);
});

afterEach(async () => {
  await fedex.close();
});

async function grant(form: Record<string, string> = { grant_type: "client_credentials", client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret }) {
  const response = await fetch(`${fedex.url}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: await response.json() };
}

async function token(credentials = ACCOUNT): Promise<string> {
  const reply = await grant({ grant_type: "client_credentials", client_id: credentials.clientId, client_secret: credentials.clientSecret });
  expect(reply.status).toBe(200);
  return reply.body.access_token;
}

async function api(path: string, body: unknown, options: { token?: string | null; method?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const response = await fetch(`${fedex.url}${path}`, {
    method: options.method ?? "POST",
    headers: {
      "Content-Type": "application/json",
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const address = (countryCode: string) => ({ streetLines: ["1 Main St"], city: "Memphis", stateOrProvinceCode: "TN", postalCode: "38117", countryCode });

function rateBody(options: { to?: string; pounds?: number; account?: string } = {}) {
  return {
    accountNumber: { value: options.account ?? ACCOUNT.accountNumber },
    requestedShipment: {
      shipper: { address: address("US") },
      recipient: { address: address(options.to ?? "US") },
      pickupType: "DROPOFF_AT_FEDEX_LOCATION",
      packagingType: "YOUR_PACKAGING",
      rateRequestType: ["ACCOUNT"],
      requestedPackageLineItems: [{ weight: { units: "LB", value: options.pounds ?? 2.2 } }],
    },
  };
}

function shipBody(options: { reference?: string; imageType?: string; serviceType?: string } = {}) {
  return {
    accountNumber: { value: ACCOUNT.accountNumber },
    labelResponseOptions: "LABEL",
    requestedShipment: {
      shipper: { address: address("US"), contact: { personName: "Rappit Shop", phoneNumber: "9015550100" } },
      recipients: [{ address: address("US"), contact: { personName: "Ada Buyer", phoneNumber: "9015550101" } }],
      pickupType: "DROPOFF_AT_FEDEX_LOCATION",
      serviceType: options.serviceType ?? "FEDEX_GROUND",
      packagingType: "YOUR_PACKAGING",
      shippingChargesPayment: { paymentType: "SENDER" },
      labelSpecification: { imageType: options.imageType ?? "PDF", labelStockType: "STOCK_4X6" },
      requestedPackageLineItems: [
        {
          weight: { units: "LB", value: 2.2 },
          customerReferences: [
            { customerReferenceType: "CUSTOMER_REFERENCE", value: options.reference ?? "rappit-ref-1" },
            { customerReferenceType: "INVOICE_NUMBER", value: "#1001" },
          ],
        },
      ],
    },
  };
}

function lookupBody(reference: string) {
  const day = new Date().toISOString().slice(0, 10);
  return { referencesInformation: { type: "CUSTOMER_REFERENCE", value: reference, accountNumber: ACCOUNT.accountNumber, shipDateBegin: day, shipDateEnd: day } };
}

describe("OAuth token", () => {
  it("grants client_credentials as FedEx does, with fresh opaque tokens", async () => {
    const first = await grant();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ access_token: expect.any(String), token_type: "bearer", expires_in: 3599, scope: "CXS-TP" });
    expect(await token()).not.toBe(first.body.access_token);
    expect(fedex.state.counts.token).toBe(2);
  });

  it("refuses bad credentials with NOT.AUTHORIZED.ERROR", async () => {
    for (const form of [
      { grant_type: "client_credentials", client_id: ACCOUNT.clientId, client_secret: "wrong" },
      { grant_type: "client_credentials", client_id: "nobody", client_secret: "x" },
    ]) {
      const reply = await grant(form);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        transactionId: UUID,
        errors: [{ code: "NOT.AUTHORIZED.ERROR", message: "The given client credentials were not valid. Please modify your request and try again." }],
      });
    }
  });

  it("answers 400 for missing fields, other grant types and JSON bodies", async () => {
    const missing = await grant({ grant_type: "client_credentials", client_id: ACCOUNT.clientId });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].code).toBe("BAD.REQUEST.ERROR");
    const csp = await grant({ grant_type: "csp_credentials", client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret });
    expect(csp.status).toBe(400);
    const json = await fetch(`${fedex.url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret }),
    });
    expect(json.status).toBe(400);
  });

  it("requires a bearer token on business calls and echoes x-customer-transaction-id", async () => {
    for (const bearer of [null, "not-a-token"]) {
      const reply = await api("/rate/v1/rates/quotes", rateBody(), { token: bearer, headers: { "x-customer-transaction-id": "rappit-42" } });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ transactionId: UUID, customerTransactionId: "rappit-42", errors: [EXPIRED] });
    }
  });

  it("expires tokens after tokenExpiresIn", async () => {
    fedex.state.faults.tokenExpiresIn = 0.3;
    const reply = await grant();
    expect(reply.body.expires_in).toBe(0.3);
    expect((await api("/rate/v1/rates/quotes", rateBody(), { token: reply.body.access_token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const expired = await api("/rate/v1/rates/quotes", rateBody(), { token: reply.body.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ transactionId: UUID, errors: [EXPIRED] });
  });

  it("expires every issued token on expireTokensNow(); a new grant works", async () => {
    const old = await token();
    fedex.state.expireTokensNow();
    const refused = await api("/rate/v1/rates/quotes", rateBody(), { token: old });
    expect(refused.status).toBe(401);
    expect(refused.body.errors).toEqual([EXPIRED]);
    expect((await api("/rate/v1/rates/quotes", rateBody(), { token: await token() })).status).toBe(200);
  });

  it("revoked credentials: grants fail and issued tokens stop working", async () => {
    const issued = await token();
    fedex.state.revoke(ACCOUNT.clientId);
    expect((await api("/rate/v1/rates/quotes", rateBody(), { token: issued })).status).toBe(401);
    expect((await grant()).status).toBe(401);
    // Other projects are unaffected.
    expect((await api("/rate/v1/rates/quotes", rateBody({ account: OTHER.accountNumber }), { token: await token(OTHER) })).status).toBe(200);
  });
});

describe("Rate", () => {
  it("quotes domestic services with ACCOUNT rates derived from weight", async () => {
    const reply = await api("/rate/v1/rates/quotes", rateBody({ pounds: 2.2 }), { token: await token() });
    expect(reply.status).toBe(200);
    expect(reply.body.transactionId).toEqual(UUID);
    const details = reply.body.output.rateReplyDetails;
    expect(details.map((d: { serviceType: string }) => d.serviceType)).toEqual(["FEDEX_GROUND", "FEDEX_2_DAY", "STANDARD_OVERNIGHT"]);
    const ground = details[0].ratedShipmentDetails[0];
    expect(ground).toMatchObject({ rateType: "ACCOUNT", totalNetCharge: 12.05, shipmentRateDetail: { currency: "USD" } });
    // Deterministic: the same weight prices the same, more weight costs more.
    const again = await api("/rate/v1/rates/quotes", rateBody({ pounds: 2.2 }), { token: await token() });
    expect(again.body.output.rateReplyDetails[0].ratedShipmentDetails[0].totalNetCharge).toBe(12.05);
    const heavier = await api("/rate/v1/rates/quotes", rateBody({ pounds: 10 }), { token: await token() });
    expect(heavier.body.output.rateReplyDetails[0].ratedShipmentDetails[0].totalNetCharge).toBeGreaterThan(12.05);
  });

  it("quotes international services when the recipient is abroad", async () => {
    const reply = await api("/rate/v1/rates/quotes", rateBody({ to: "CA" }), { token: await token() });
    expect(reply.body.output.rateReplyDetails.map((d: { serviceType: string }) => d.serviceType)).toEqual(["INTERNATIONAL_PRIORITY", "INTERNATIONAL_ECONOMY"]);
  });

  it("refuses another account's number with 403 and missing fields with 400", async () => {
    const bearer = await token();
    const forbidden = await api("/rate/v1/rates/quotes", rateBody({ account: OTHER.accountNumber }), { token: bearer });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].code).toBe("FORBIDDEN.ERROR");
    const noAccount = await api("/rate/v1/rates/quotes", { requestedShipment: rateBody().requestedShipment }, { token: bearer });
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.errors[0].code).toBe("ACCOUNTNUMBER.REGISTRATION.REQUIRED");
    const body = rateBody();
    delete (body.requestedShipment as Partial<typeof body.requestedShipment>).recipient;
    const noRecipient = await api("/rate/v1/rates/quotes", body, { token: bearer });
    expect(noRecipient.status).toBe(400);
    expect(noRecipient.body.errors[0]).toMatchObject({ code: "INVALID.INPUT.EXCEPTION", parameterList: [{ key: "requestedShipment.recipient.address.countryCode" }] });
  });
});

describe("Ship", () => {
  it("buys a label: 12-digit master tracking number, base64 PDF, references recorded", async () => {
    const reply = await api("/ship/v1/shipments", shipBody({ reference: "rappit-ref-7" }), { token: await token() });
    expect(reply.status).toBe(200);
    const shipment = reply.body.output.transactionShipments[0];
    expect(shipment.masterTrackingNumber).toMatch(/^\d{12}$/);
    expect(shipment.serviceType).toBe("FEDEX_GROUND");
    const document = shipment.pieceResponses[0].packageDocuments[0];
    expect(document).toMatchObject({ contentType: "LABEL", docType: "PDF" });
    const pdf = Buffer.from(document.encodedLabel, "base64");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.toString("latin1").trimEnd().endsWith("%%EOF")).toBe(true);

    const [stored] = fedex.state.shipments;
    expect(stored).toMatchObject({ trackingNumber: shipment.masterTrackingNumber, serviceType: "FEDEX_GROUND", references: ["rappit-ref-7"], cancelled: false, docType: "PDF" });
    expect(stored.label.equals(pdf)).toBe(true);
    expect(stored.customerReferences).toContainEqual({ customerReferenceType: "INVOICE_NUMBER", value: "#1001" });
  });

  it("renders ZPLII labels as ZPL text", async () => {
    const reply = await api("/ship/v1/shipments", shipBody({ imageType: "ZPLII" }), { token: await token() });
    const document = reply.body.output.transactionShipments[0].pieceResponses[0].packageDocuments[0];
    expect(document.docType).toBe("ZPLII");
    expect(Buffer.from(document.encodedLabel, "base64").toString()).toMatch(/^\^XA[\s\S]*\^XZ\s*$/);
  });

  it("names every missing required field in a 400, and buys nothing", async () => {
    const body = shipBody();
    const shipment: Record<string, unknown> = body.requestedShipment;
    delete shipment.serviceType;
    delete shipment.packagingType;
    shipment.labelSpecification = { labelStockType: "STOCK_4X6" };
    shipment.requestedPackageLineItems = [{ customerReferences: [] }];
    const reply = await api("/ship/v1/shipments", body, { token: await token() });
    expect(reply.status).toBe(400);
    expect(reply.body.transactionId).toEqual(UUID);
    expect(reply.body.errors.map((e: { parameterList: { key: string }[] }) => e.parameterList[0].key)).toEqual([
      "requestedShipment.serviceType",
      "requestedShipment.packagingType",
      "requestedShipment.labelSpecification.imageType",
      "requestedShipment.requestedPackageLineItems[0].weight",
    ]);
    expect(reply.body.errors[0].message).toContain("requestedShipment.serviceType");
    expect(fedex.state.shipments).toHaveLength(0);
    const noRecipients = shipBody();
    (noRecipients.requestedShipment as Record<string, unknown>).recipients = [];
    expect((await api("/ship/v1/shipments", noRecipients, { token: await token() })).body.errors[0].parameterList[0].key).toBe("requestedShipment.recipients");
  });

  it("finds shipments by our reference (Track by References); cancelled ones drop out", async () => {
    const bearer = await token();
    const first = await api("/ship/v1/shipments", shipBody({ reference: "ref-a" }), { token: bearer });
    await api("/ship/v1/shipments", shipBody({ reference: "ref-b" }), { token: bearer });
    const tracking = first.body.output.transactionShipments[0].masterTrackingNumber;

    const found = await api("/track/v1/referencenumbers", lookupBody("ref-a"), { token: bearer });
    expect(found.status).toBe(200);
    expect(found.body.output.completeTrackResults).toEqual([
      {
        trackingNumber: tracking,
        trackResults: [expect.objectContaining({ trackingNumberInfo: expect.objectContaining({ trackingNumber: tracking }), latestStatusDetail: expect.objectContaining({ code: "IN", description: "Label created" }) })],
      },
    ]);
    expect((await api("/track/v1/referencenumbers", lookupBody("ref-none"), { token: bearer })).body.output.completeTrackResults).toEqual([]);

    const cancel = await api("/ship/v1/shipments/cancel", { accountNumber: { value: ACCOUNT.accountNumber }, trackingNumber: tracking, deletionControl: "DELETE_ALL_PACKAGES" }, { token: bearer, method: "PUT" });
    expect(cancel.status).toBe(200);
    expect(cancel.body.output.cancelledShipment).toBe(true);
    expect(fedex.state.shipments[0].cancelled).toBe(true);
    expect((await api("/track/v1/referencenumbers", lookupBody("ref-a"), { token: bearer })).body.output.completeTrackResults).toEqual([]);
    expect(fedex.state.counts).toMatchObject({ ship: 2, lookup: 3, cancel: 1 });
  });

  it("cancels only known, live shipments (404 NOT.FOUND.ERROR otherwise)", async () => {
    const bearer = await token();
    const cancel = (trackingNumber: string) =>
      api("/ship/v1/shipments/cancel", { accountNumber: { value: ACCOUNT.accountNumber }, trackingNumber, deletionControl: "DELETE_ALL_PACKAGES" }, { token: bearer, method: "PUT" });
    const unknown = await cancel("799999999999");
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].code).toBe("NOT.FOUND.ERROR");
    const shipped = await api("/ship/v1/shipments", shipBody(), { token: bearer });
    const tracking = shipped.body.output.transactionShipments[0].masterTrackingNumber;
    expect((await cancel(tracking)).status).toBe(200);
    expect((await cancel(tracking)).status).toBe(404);
  });

  it("tracks by number with the status tests set, and a per-number error for unknown numbers", async () => {
    const bearer = await token();
    const shipped = await api("/ship/v1/shipments", shipBody(), { token: bearer });
    const tracking = shipped.body.output.transactionShipments[0].masterTrackingNumber;
    fedex.state.setTrackingStatus(tracking, "DL", "Delivered");
    const reply = await api("/track/v1/trackingnumbers", { trackingInfo: [{ trackingNumberInfo: { trackingNumber: tracking } }, { trackingNumberInfo: { trackingNumber: "700000000000" } }] }, { token: bearer });
    const [known, unknown] = reply.body.output.completeTrackResults;
    expect(known.trackResults[0].latestStatusDetail).toMatchObject({ code: "DL", description: "Delivered" });
    expect(unknown.trackResults[0].error.code).toBe("TRACKING.TRACKINGNUMBER.NOTFOUND");
    const empty = await api("/track/v1/trackingnumbers", { trackingInfo: [] }, { token: bearer });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ code: "TRACKING.TRACKINGNUMBER.EMPTY", message: "Please provide tracking number." }]);
  });
});

describe("faults", () => {
  it("hangNext: the label is bought but the answer never comes; the lookup finds it", async () => {
    const bearer = await token();
    fedex.state.faults.hangNext = 1;
    await expect(api("/ship/v1/shipments", shipBody({ reference: "lost-answer" }), { token: bearer, signal: AbortSignal.timeout(150) })).rejects.toThrow(/timeout|aborted/i);
    expect(fedex.state.shipments).toHaveLength(1);
    expect(fedex.state.requests.at(-1)).toMatchObject({ method: "POST", path: "/ship/v1/shipments", status: null });
    const found = await api("/track/v1/referencenumbers", lookupBody("lost-answer"), { token: bearer });
    expect(found.body.output.completeTrackResults[0].trackingNumber).toBe(fedex.state.shipments[0].trackingNumber);
  });

  it("fail5xxNext answers 503 SERVICE.UNAVAILABLE.ERROR without buying; token grants are spared", async () => {
    fedex.state.faults.fail5xxNext = 1;
    const bearer = await token();
    const failed = await api("/ship/v1/shipments", shipBody(), { token: bearer });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ transactionId: UUID, errors: [{ code: "SERVICE.UNAVAILABLE.ERROR", message: expect.stringContaining("currently unavailable") }] });
    expect(fedex.state.shipments).toHaveLength(0);
    expect((await api("/ship/v1/shipments", shipBody(), { token: bearer })).status).toBe(200);

    fedex.state.faults.includeTokenRequests = true;
    fedex.state.faults.fail5xxNext = 1;
    expect((await grant()).status).toBe(503);
  });

  it("rateLimitNext answers 429 with Retry-After", async () => {
    const bearer = await token();
    fedex.state.faults.rateLimitNext = 2;
    const first = await api("/rate/v1/rates/quotes", rateBody(), { token: bearer });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(first.body.transactionId).toEqual(UUID);
    fedex.state.faults.retryAfterSeconds = 7;
    expect((await api("/rate/v1/rates/quotes", rateBody(), { token: bearer })).headers.get("retry-after")).toBe("7");
    expect((await api("/rate/v1/rates/quotes", rateBody(), { token: bearer })).status).toBe(200);
  });

  it("latencyMs delays every request", async () => {
    fedex.state.faults.latencyMs = 60;
    const started = Date.now();
    await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("counts and logs every request", async () => {
    const bearer = await token();
    await api("/rate/v1/rates/quotes", rateBody(), { token: bearer });
    await api("/ship/v1/shipments", shipBody(), { token: bearer });
    await api("/track/v1/referencenumbers", lookupBody("rappit-ref-1"), { token: bearer });
    expect(fedex.state.counts).toEqual({ token: 1, rate: 1, ship: 1, lookup: 1, track: 0, cancel: 0 });
    expect(fedex.state.requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      "POST /oauth/token 200",
      "POST /rate/v1/rates/quotes 200",
      "POST /ship/v1/shipments 200",
      "POST /track/v1/referencenumbers 200",
    ]);
  });
});
