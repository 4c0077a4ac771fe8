import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, getPrisma } from "~/db/prisma.server";
import { closeProducerRedis } from "~/jobs/redis.server";
import { newPixelAccountId } from "~/pixel/activation.server";
import { action, loader } from "~/routes/api.pixel.events";
import { RATE_LIMITS } from "~/security/rate-limits.server";
import { buildShop } from "../factories/shop.factory";

afterAll(async () => {
  await closeProducerRedis();
  await disconnectPrisma();
});

const URL_ = "https://rappit.example/api/pixel/events";
const uniqueIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

async function pixelShop() {
  const shop = await buildShop();
  const accountID = newPixelAccountId();
  await getPrisma().shop.update({ where: { id: shop.id }, data: { pixelAccountId: accountID } });
  return { ...shop, accountID };
}

function event(accountID: string, overrides: Record<string, unknown> = {}) {
  return {
    accountID,
    eventId: `sh-${randomUUID()}`,
    name: "checkout_completed",
    timestamp: "2026-11-20T10:15:30.123Z",
    checkoutToken: "tok-1",
    orderId: "5512345678901",
    email: "Buyer@Example.com",
    phone: "+15551234567",
    gateways: ["Cash on Delivery (COD)"],
    ...overrides,
  };
}

async function post(body: string, options: { type?: string; ip?: string; headers?: Record<string, string> } = {}) {
  const request = new Request(URL_, {
    method: "POST",
    body,
    headers: { "Content-Type": options.type ?? "text/plain;charset=UTF-8", Origin: "https://checkout.shop.example", ...options.headers },
  });
  const response = (await action({ request, params: {}, context: { clientIp: options.ip ?? uniqueIp() } })) as Response;
  return response;
}

const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

describe("POST /api/pixel/events", () => {
  it("stores a valid event once: a replay is accepted and not stored again", async () => {
    const shop = await pixelShop();
    const body = JSON.stringify(event(shop.accountID));
    const first = await post(body, { type: "application/json" });
    expect(first.status).toBe(202);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await first.json()).toEqual({ accepted: true, duplicate: false });
    const again = await post(body, { type: "application/json" });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: true, duplicate: true });

    const rows = await forShop(shop.id).pixelEvent.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: "checkout_completed",
      occurredAt: new Date("2026-11-20T10:15:30.123Z"),
      checkoutToken: "tok-1",
      orderId: "5512345678901",
      email: "buyer@example.com",
      phone: "+15551234567",
      gateways: ["Cash on Delivery (COD)"],
      data: {},
    });
  });

  it("accepts a beacon: text/plain JSON, and ignores fields it does not know", async () => {
    const shop = await pixelShop();
    const response = await post(JSON.stringify(event(shop.accountID, { name: "payment_info_submitted", orderId: null, shippingAddress: { address1: "1 Main St" } })));
    expect(response.status).toBe(202);
    const [row] = await forShop(shop.id).pixelEvent.findMany();
    expect(row).toMatchObject({ name: "payment_info_submitted", orderId: null });
    expect(JSON.stringify(row)).not.toContain("Main St");
  });

  it("answers 400 with the reason for a body that is not JSON or misses fields", async () => {
    const shop = await pixelShop();
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toBe("Body is not JSON.");
    expect(notJson.headers.get("Access-Control-Allow-Origin")).toBe("*");

    const { eventId: _eventId, ...withoutId } = event(shop.accountID);
    const missing = await post(JSON.stringify(withoutId));
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toMatch(/^Invalid event: eventId: /);

    const badName = await post(JSON.stringify(event(shop.accountID, { name: "page_viewed" })));
    expect(await errorOf(badName)).toMatch(/^Invalid event: name: must be one of checkout_completed/);
    const badTime = await post(JSON.stringify(event(shop.accountID, { timestamp: "yesterday" })));
    expect(await errorOf(badTime)).toBe("Invalid event: timestamp: must be an ISO 8601 date-time.");
    const badOrder = await post(JSON.stringify(event(shop.accountID, { orderId: "gid://shopify/Order/1" })));
    expect(await errorOf(badOrder)).toBe("Invalid event: orderId: must be a numeric order id.");
    expect(await forShop(shop.id).pixelEvent.count()).toBe(0);
  });

  it("refuses a body over 16 KB with 413, and other content types with 415", async () => {
    const shop = await pixelShop();
    const big = JSON.stringify(event(shop.accountID, { padding: "x".repeat(17 * 1024) }));
    const tooLarge = await post(big);
    expect(tooLarge.status).toBe(413);
    expect(await errorOf(tooLarge)).toMatch(/at most 16384 bytes/);
    expect((await post(JSON.stringify(event(shop.accountID)), { type: "application/x-www-form-urlencoded" })).status).toBe(415);
    expect(await forShop(shop.id).pixelEvent.count()).toBe(0);
  });

  it("answers 404 for an account id no installed shop has (unknown, uninstalled or redacted)", async () => {
    const unknown = await post(JSON.stringify(event("no-such-account")));
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatch(/Unknown account/);

    const uninstalled = await pixelShop();
    await getPrisma().shop.update({ where: { id: uninstalled.id }, data: { uninstalledAt: new Date() } });
    expect((await post(JSON.stringify(event(uninstalled.accountID)))).status).toBe(404);
    const redacted = await pixelShop();
    await getPrisma().shop.update({ where: { id: redacted.id }, data: { redactedAt: new Date() } });
    expect((await post(JSON.stringify(event(redacted.accountID)))).status).toBe(404);
    expect(await forShop(uninstalled.id).pixelEvent.count()).toBe(0);
  });

  it("answers the CORS preflight with 204 and refuses GET with 405", async () => {
    const preflight = (await loader({
      request: new Request(URL_, { method: "OPTIONS", headers: { Origin: "https://shop.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } }),
      params: {},
      context: {},
    })) as Response;
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(preflight.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("content-type");

    const get = (await loader({ request: new Request(URL_), params: {}, context: {} })) as Response;
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toContain("POST");
  });

  it("limits each shop and IP to 120 events a minute: then 429 with Retry-After and CORS headers", async () => {
    const shop = await pixelShop();
    const ip = uniqueIp();
    const limit = RATE_LIMITS.pixelIngest.points;
    for (let i = 0; i < limit; i++) {
      const response = await post(JSON.stringify(event(shop.accountID)), { ip });
      expect(response.status).toBe(202);
    }
    const limited = await post(JSON.stringify(event(shop.accountID)), { ip });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await errorOf(limited)).toMatch(/Too many requests/);
    // Another visitor of the same shop is not affected.
    expect((await post(JSON.stringify(event(shop.accountID)), { ip: uniqueIp() })).status).toBe(202);
    expect(await forShop(shop.id).pixelEvent.count()).toBe(limit + 1);
  });
});
