import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { pixelPayloadSchema } from "~/pixel/schema";
import { DEFAULT_PIXEL_SETTINGS } from "../../emulators/shopify/web-pixel";
import { gatewaysOf, toPixelPayload, type CheckoutEventLike } from "../../extensions/rappit-pixel/src/payload";

// Shaped like Shopify's checkout events (@shopify/web-pixels-extension types): only the
// parts the mapping reads, plus some it must leave behind.
function checkoutEvent(name: string, overrides: Record<string, unknown> = {}): CheckoutEventLike {
  return {
    id: "sh-88a1b2c3-0F2D-4E4B-8C52-1D0F3A9B7E61",
    name,
    timestamp: "2026-11-20T10:15:30.123Z",
    data: {
      checkout: {
        token: "c1-5f1e2d3c4b5a",
        email: "Buyer@Example.com",
        phone: "+15551234567",
        order: name === "checkout_completed" ? { id: "gid://shopify/OrderIdentity/5512345678901" } : { id: null },
        transactions: [
          { gateway: "Cash on Delivery (COD)", paymentMethod: { name: "Cash on Delivery (COD)", type: "paymentOnDelivery" }, amount: { amount: 20, currencyCode: "USD" } },
        ],
        shippingAddress: { address1: "1 Main St", phone: "+15557654321" },
        lineItems: [{ title: "Socks" }],
        ...overrides,
      },
    } as unknown as CheckoutEventLike["data"],
  };
}

describe("pixel event → ingest payload", () => {
  it("maps checkout_completed with the order number, contact and gateways, and nothing else", () => {
    const payload = toPixelPayload(checkoutEvent("checkout_completed"), "acct-123");
    expect(payload).toEqual({
      accountID: "acct-123",
      eventId: "sh-88a1b2c3-0F2D-4E4B-8C52-1D0F3A9B7E61",
      name: "checkout_completed",
      timestamp: "2026-11-20T10:15:30.123Z",
      checkoutToken: "c1-5f1e2d3c4b5a",
      orderId: "5512345678901",
      email: "Buyer@Example.com",
      phone: "+15551234567",
      gateways: ["Cash on Delivery (COD)", "paymentOnDelivery"],
    });
    // What the server accepts, as it will store it.
    expect(pixelPayloadSchema.safeParse(payload).success).toBe(true);
    expect(JSON.stringify(payload)).not.toContain("Main St");
  });

  it("maps payment_info_submitted, which has no order yet", () => {
    const payload = toPixelPayload(
      checkoutEvent("payment_info_submitted", { transactions: [{ gateway: "shopify_payments", paymentMethod: { name: "Visa", type: "creditCard" } }] }),
      "acct-123",
    );
    expect(payload).toMatchObject({ name: "payment_info_submitted", orderId: null, gateways: ["shopify_payments", "Visa", "creditCard"] });
    expect(pixelPayloadSchema.safeParse(payload).success).toBe(true);
  });

  it("keeps a bare numeric order id as it is", () => {
    expect(toPixelPayload(checkoutEvent("checkout_completed", { order: { id: "5512345678901" } }), "a")?.orderId).toBe("5512345678901");
  });

  it("fills missing fields with null: no checkout, no contact, no transactions", () => {
    const bare: CheckoutEventLike = { id: "e-1", name: "payment_info_submitted", timestamp: "2026-11-20T10:00:00Z", data: { checkout: null } };
    const payload = toPixelPayload(bare, "acct");
    expect(payload).toEqual({
      accountID: "acct",
      eventId: "e-1",
      name: "payment_info_submitted",
      timestamp: "2026-11-20T10:00:00Z",
      checkoutToken: null,
      orderId: null,
      email: null,
      phone: null,
      gateways: [],
    });
    expect(pixelPayloadSchema.safeParse(payload).success).toBe(true);
  });

  it("falls back to the shipping address phone when the checkout has no contact phone", () => {
    expect(toPixelPayload(checkoutEvent("checkout_completed", { phone: null }), "a")?.phone).toBe("+15557654321");
  });

  it("sends nothing for other events, or without an event id or account id", () => {
    expect(toPixelPayload(checkoutEvent("page_viewed"), "a")).toBeNull();
    expect(toPixelPayload({ ...checkoutEvent("checkout_completed"), id: "" }, "a")).toBeNull();
    expect(toPixelPayload(checkoutEvent("checkout_completed"), undefined)).toBeNull();
    expect(toPixelPayload(checkoutEvent("checkout_completed"), "  ")).toBeNull();
  });

  it("de-duplicates gateway names, skips blanks, and caps the list", () => {
    expect(gatewaysOf([{ gateway: "cod" }, { gateway: "cod", paymentMethod: { name: " ", type: null } }])).toEqual(["cod"]);
    expect(gatewaysOf(Array.from({ length: 20 }, (_, i) => ({ gateway: `g${i}` })))).toHaveLength(10);
    expect(gatewaysOf(undefined)).toEqual([]);
  });
});

describe("extensions/rappit-pixel/shopify.extension.toml", () => {
  const toml = parse(readFileSync("extensions/rappit-pixel/shopify.extension.toml", "utf8")) as {
    type: string;
    runtime_context: string;
    settings: { type: string; fields: Record<string, { type: string; validations?: Array<{ name: string; value: string }> }> };
  };

  it("is a strict web pixel whose settings are accountID and endpoint, both required", () => {
    expect(toml.type).toBe("web_pixel_extension");
    expect(toml.runtime_context).toBe("strict");
    expect(toml.settings.type).toBe("object");
    expect(Object.keys(toml.settings.fields).sort()).toEqual(["accountID", "endpoint"]);
    for (const field of Object.values(toml.settings.fields)) {
      expect(field.type).toBe("single_line_text_field");
      expect(field.validations).toContainEqual({ name: "min", value: "1" });
    }
  });

  it("matches the settings definition the Shopify emulator checks webPixelCreate against", () => {
    const declared = Object.fromEntries(
      Object.entries(toml.settings.fields).map(([name, field]) => {
        const min = field.validations?.find((validation) => validation.name === "min")?.value;
        return [name, { type: field.type, ...(min ? { min: Number(min) } : {}) }];
      }),
    );
    expect(declared).toEqual(DEFAULT_PIXEL_SETTINGS);
  });
});
