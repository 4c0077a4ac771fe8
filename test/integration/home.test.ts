import { API_KEY, APP_URL, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, describe, expect, it } from "vitest";
import { getConfig } from "~/config/env.server";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";
import { loader as homeLoader } from "~/routes/app._index";
import { adminRequest } from "../support/admin-requests";
import { uniqueShopDomain } from "../support/shops";

afterAll(disconnectPrisma);

describe("/app home", () => {
  it("shows the shop as a connected channel and no carriers, creating the Shop row if missing", async () => {
    const shop = uniqueShopDomain();
    const data = await homeLoader({ request: await adminRequest(shop, "/app"), params: {}, context: {} });

    expect(data.shopDomain).toBe(shop);
    expect(data.channels).toEqual([{ type: "SHOPIFY", name: shop, status: "CONNECTED" }]);
    expect(data.carriers).toEqual([]);
    expect(data.hasWooCommerce).toBe(false);
    expect(data.needsReauth).toBe(false);
    const row = await getPrisma().shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row.scopes).toBe(getConfig().SCOPES);
  });

  it("refuses a request without a valid session token", async () => {
    const forged = await setUpValidRequest(
      { type: RequestType.Bearer, store: "someone", apiKey: API_KEY, apiSecretKey: "wrong-secret" },
      new Request(`${APP_URL}/app`),
    );
    const outcome = await homeLoader({ request: forged, params: {}, context: {} }).then(
      () => "served",
      (thrown: unknown) => (thrown instanceof Response ? thrown.status : "error"),
    );
    expect(outcome).toBe(401);
  });
});
