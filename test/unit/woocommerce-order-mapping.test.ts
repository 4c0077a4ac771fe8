import { describe, expect, it } from "vitest";
import { orderFromWoo, wooOrderSchema } from "~/channels/woocommerce/order-mapping";

// A WooCommerce 9.x REST v3 order as GET /wp-json/wc/v3/orders/<id> (and the order.* webhooks) send it:
// a COD checkout, a simple product without SKU and a variation.
function wooOrder(overrides: Record<string, unknown> = {}) {
  return {
    id: 727,
    parent_id: 0,
    status: "processing",
    currency: "EGP",
    version: "9.4.2",
    prices_include_tax: false,
    date_created: "2026-11-20T19:30:00",
    date_modified: "2026-11-20T19:31:10",
    discount_total: "0.00",
    discount_tax: "0.00",
    shipping_total: "50.00",
    shipping_tax: "0.00",
    cart_tax: "0.00",
    total: "1250.00",
    total_tax: "0.00",
    customer_id: 26,
    order_key: "wc_order_QyJ8cn4AqvXZ1",
    billing: {
      first_name: "Mona",
      last_name: "Hassan",
      company: "",
      address_1: "12 Tahrir St",
      address_2: "Apt 4",
      city: "Cairo",
      state: "EGC",
      postcode: "11511",
      country: "EG",
      email: "mona@example.com",
      phone: "+201001234567",
    },
    shipping: {
      first_name: "Mona",
      last_name: "Hassan",
      company: "Nile Crafts",
      address_1: "5 Corniche El Nil",
      address_2: "",
      city: "Giza",
      state: "EGGZ",
      postcode: "12511",
      country: "EG",
      phone: "",
    },
    payment_method: "cod",
    payment_method_title: "Cash on delivery",
    transaction_id: "",
    customer_ip_address: "203.0.113.7",
    customer_user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
    created_via: "checkout",
    customer_note: "Please call before delivery",
    date_completed: null,
    // WooCommerce stamps date_paid when a COD order enters processing, before any cash changes hands.
    date_paid: "2026-11-20T19:31:10",
    cart_hash: "8e7c0f6a2f3b",
    number: "727",
    meta_data: [{ id: 8812, key: "is_vat_exempt", value: "no" }],
    line_items: [
      {
        id: 315,
        name: "Handmade Mug",
        product_id: 93,
        variation_id: 0,
        quantity: 2,
        tax_class: "",
        subtotal: "400.00",
        subtotal_tax: "0.00",
        total: "400.00",
        total_tax: "0.00",
        taxes: [],
        meta_data: [],
        sku: "",
        price: 200,
        image: { id: "94", src: "https://shop.example.com/wp-content/uploads/mug.jpg" },
        parent_name: null,
      },
      {
        id: 316,
        name: "Linen Scarf - Blue",
        product_id: 22,
        variation_id: 23,
        quantity: 1,
        tax_class: "",
        subtotal: "800.00",
        subtotal_tax: "0.00",
        total: "800.00",
        total_tax: "0.00",
        taxes: [],
        meta_data: [{ id: 2908, key: "pa_color", value: "blue", display_key: "Color", display_value: "Blue" }],
        sku: "SCARF-BLU",
        price: 800,
        image: { id: "", src: "" },
        parent_name: "Linen Scarf",
      },
    ],
    tax_lines: [],
    shipping_lines: [{ id: 317, method_title: "Flat rate", method_id: "flat_rate", instance_id: "1", total: "50.00", total_tax: "0.00", taxes: [], meta_data: [] }],
    fee_lines: [],
    coupon_lines: [],
    refunds: [],
    payment_url: "https://shop.example.com/checkout/order-pay/727/?pay_for_order=true&key=wc_order_QyJ8cn4AqvXZ1",
    is_editable: false,
    needs_payment: false,
    needs_processing: true,
    date_created_gmt: "2026-11-20T17:30:00",
    date_modified_gmt: "2026-11-20T17:31:10",
    date_completed_gmt: null,
    date_paid_gmt: "2026-11-20T17:31:10",
    currency_symbol: "E£",
    _links: { self: [{ href: "https://shop.example.com/wp-json/wc/v3/orders/727" }] },
    ...overrides,
  };
}

const map = (payload: unknown) => orderFromWoo(wooOrderSchema.parse(payload));

describe("WooCommerce order → NormalizedOrder", () => {
  it("maps a COD order: customer, shipping address, lines, GMT dates", () => {
    expect(map(wooOrder())).toEqual({
      externalOrderId: "727",
      name: "#727",
      customerExternalId: "26",
      customerName: "Mona Hassan",
      email: "mona@example.com",
      phone: "+201001234567",
      shippingAddress: {
        first_name: "Mona",
        last_name: "Hassan",
        name: "Mona Hassan",
        company: "Nile Crafts",
        address1: "5 Corniche El Nil",
        address2: null,
        city: "Giza",
        province: "EGGZ",
        province_code: "EGGZ",
        zip: "12511",
        country: "EG",
        country_code: "EG",
        phone: "+201001234567",
      },
      paymentGateway: "cod",
      cod: true,
      financialStatus: "pending",
      fulfillmentStatus: null,
      totalPrice: "1250.00",
      currency: "EGP",
      cancelledAt: null,
      // *_gmt carry no zone suffix: read as UTC, not as the test machine's local time.
      createdAt: new Date("2026-11-20T17:30:00.000Z"),
      updatedAt: new Date("2026-11-20T17:31:10.000Z"),
      lines: [
        { externalLineId: "315", sku: null, title: "Handmade Mug", quantity: 2, price: "200.00" },
        { externalLineId: "316", sku: "SCARF-BLU", title: "Linen Scarf - Blue", quantity: 1, price: "800.00" },
      ],
      linesComplete: true,
    });
  });

  it("reads prepaid orders as paid, and completed ones as fulfilled", () => {
    const card = { payment_method: "stripe", payment_method_title: "Credit card" };
    expect(map(wooOrder(card))).toMatchObject({ cod: false, paymentGateway: "stripe", financialStatus: "paid", fulfillmentStatus: null });
    expect(map(wooOrder({ ...card, status: "completed" }))).toMatchObject({ financialStatus: "paid", fulfillmentStatus: "fulfilled" });
    // Imported or admin-made orders can reach processing without date_paid.
    expect(map(wooOrder({ ...card, date_paid: null, date_paid_gmt: null })).financialStatus).toBe("paid");
    expect(map(wooOrder({ ...card, refunds: [{ id: 730, reason: "damaged", total: "-200.00" }] })).financialStatus).toBe("partially_refunded");
    // A COD order delivered and completed is still not known to be paid.
    expect(map(wooOrder({ status: "completed" }))).toMatchObject({ cod: true, financialStatus: "pending", fulfillmentStatus: "fulfilled" });
  });

  it.each([
    ["pending", "stripe", null, "pending"],
    ["on-hold", "bacs", null, "pending"],
    ["failed", "stripe", null, "pending"],
    ["on-hold", "cod", "2026-11-20T17:31:10", "pending"],
    ["refunded", "stripe", "2026-11-20T17:31:10", "refunded"],
    ["refunded", "cod", "2026-11-20T17:31:10", "refunded"],
    ["cancelled", "stripe", null, "voided"],
  ])("status %s paid by %s (date_paid %s) → %s", (status, method, paid, expected) => {
    expect(map(wooOrder({ status, payment_method: method, date_paid_gmt: paid })).financialStatus).toBe(expected);
  });

  it("maps a cancelled order with its modification time as the cancellation", () => {
    const order = map(wooOrder({ status: "cancelled", date_paid: null, date_paid_gmt: null, date_modified_gmt: "2026-11-21T08:00:00" }));
    expect(order).toMatchObject({ financialStatus: "voided", fulfillmentStatus: null });
    expect(order.cancelledAt).toEqual(new Date("2026-11-21T08:00:00Z"));
    expect(order.updatedAt).toEqual(order.cancelledAt);
  });

  it("uses the billing address when the order has no shipping address, and null when neither has one", () => {
    const blank = { first_name: "", last_name: "", company: "", address_1: "", address_2: "", city: "", state: "", postcode: "", country: "", phone: "" };
    const digital = map(wooOrder({ shipping: blank }));
    expect(digital.shippingAddress).toMatchObject({ name: "Mona Hassan", address1: "12 Tahrir St", address2: "Apt 4", city: "Cairo", zip: "11511", country: "EG", company: null });

    const noAddress = map(
      wooOrder({ shipping: blank, billing: { ...blank, first_name: "Mona", email: "mona@example.com", phone: "", country: "EG" }, customer_id: 0 }),
    );
    expect(noAddress).toMatchObject({ shippingAddress: null, customerExternalId: null, customerName: "Mona", phone: null });
    expect(map(wooOrder({ shipping: null, billing: null })).shippingAddress).toBeNull();
  });

  it("derives a unit price from the line total when price is absent", () => {
    const line = { id: 9, name: "Gift box", quantity: 3, total: "10.00", sku: null };
    expect(map(wooOrder({ line_items: [line] })).lines).toEqual([{ externalLineId: "9", sku: null, title: "Gift box", quantity: 3, price: "3.33" }]);
  });

  it("accepts dates that do carry a zone, and a custom order number", () => {
    const order = map(wooOrder({ number: "WC-2026-0727", date_created_gmt: "2026-11-20T17:30:00Z", date_modified_gmt: "2026-11-20T19:31:10+02:00" }));
    expect(order.name).toBe("#WC-2026-0727");
    expect(order.createdAt.toISOString()).toBe("2026-11-20T17:30:00.000Z");
    expect(order.updatedAt.toISOString()).toBe("2026-11-20T17:31:10.000Z");
  });

  it("keeps unknown fields and names what a malformed order lacks", () => {
    expect(wooOrderSchema.parse(wooOrder())).toMatchObject({ currency_symbol: "E£", _links: { self: [{}] } });
    const { line_items: _lines, ...withoutLines } = wooOrder();
    expect(() => wooOrderSchema.parse(withoutLines)).toThrow(/line_items/);
    expect(() => wooOrderSchema.parse(wooOrder({ line_items: [{ id: 1, name: "x", quantity: -1 }] }))).toThrow(/quantity/);
    expect(() => map(wooOrder({ date_created_gmt: "yesterday" }))).toThrow(/unreadable date/);
    expect(() => wooOrderSchema.parse(wooOrder({ total: "" }))).toThrow(/total/);
  });
});
