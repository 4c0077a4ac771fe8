import { afterEach, describe, expect, it, vi } from "vitest";
import { signOAuth1 } from "~/channels/woocommerce/oauth1";
import { credentialsSchema, normalizeStoreUrl } from "~/channels/woocommerce/settings";
import { basicAuthorization, createWooTransport } from "~/channels/woocommerce/transport.server";

const KEYS = { consumerKey: `ck_${"a1".repeat(20)}`, consumerSecret: `cs_${"b2".repeat(20)}` };

describe("store address", () => {
  it.each([
    ["shop.example.com", "https://shop.example.com"],
    ["  https://Shop.Example.COM/  ", "https://shop.example.com"],
    ["http://localhost:8080", "http://localhost:8080"],
    ["https://shop.example.com:443/", "https://shop.example.com"],
    ["https://example.com/store/", "https://example.com/store"],
    ["https://example.com/store/wp-admin/", "https://example.com/store"],
    ["https://example.com/wp-admin/admin.php", "https://example.com"],
    ["https://example.com/wp-json/wc/v3", "https://example.com"],
    ["example.com:8443/shop//", "https://example.com:8443/shop"],
  ])("normalizes %j to %s", (input, url) => {
    expect(normalizeStoreUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ["", /Enter the store's address, like https:\/\/shop\.example\.com/],
    ["   ", /Enter the store's address/],
    ["ftp://shop.example.com", /must start with https:\/\//],
    ["https://admin:pw@shop.example.com", /user name and password/],
    ["https://shop.example.com/?page=1", /"\?" or "#"/],
    ["https://shop.example.com/#top", /"\?" or "#"/],
    ["https://exa mple.com", /not a web address/],
  ])("refuses %j with a message for the merchant", (input, message) => {
    const result = normalizeStoreUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("accepts only WooCommerce-shaped keys", () => {
    expect(credentialsSchema.safeParse(KEYS).success).toBe(true);
    expect(credentialsSchema.safeParse({ ...KEYS, consumerKey: "ck_test" }).success).toBe(false);
    expect(credentialsSchema.safeParse({ ...KEYS, consumerSecret: KEYS.consumerSecret.toUpperCase() }).success).toBe(false);
    expect(credentialsSchema.safeParse({ consumerKey: KEYS.consumerSecret, consumerSecret: KEYS.consumerKey }).success).toBe(false);
  });
});

describe("OAuth 1.0a signing (reference test vectors)", () => {
  const url = new URL("http://example.com/wp-json/wc/v3/orders?per_page=10&status=processing");
  const credentials = { consumerKey: "ck_test", consumerSecret: "cs_test" };
  const fixed = { nonce: "abc123", timestamp: 1700000000 };

  it("HMAC-SHA256", () => {
    const signed = signOAuth1("GET", url, credentials, { ...fixed, signatureMethod: "HMAC-SHA256" });
    expect(signed.searchParams.get("oauth_signature")).toBe("r3sUjW1sgj9+z520ub/i+fzH/ky8VteNfg0rDr3Tfro=");
    expect(Object.fromEntries(signed.searchParams)).toMatchObject({
      per_page: "10",
      status: "processing",
      oauth_consumer_key: "ck_test",
      oauth_nonce: "abc123",
      oauth_signature_method: "HMAC-SHA256",
      oauth_timestamp: "1700000000",
    });
    expect(signed).not.toBe(url);
    expect(url.searchParams.has("oauth_signature")).toBe(false);
  });

  it("HMAC-SHA1", () => {
    const signed = signOAuth1("get", url, credentials, { ...fixed, signatureMethod: "HMAC-SHA1" });
    expect(signed.searchParams.get("oauth_signature")).toBe("PNzohtzygFIwZJ1WadYYQZnGosU=");
  });

  it("defaults to HMAC-SHA256 with a fresh nonce and the current time", () => {
    const a = signOAuth1("GET", url, credentials);
    const b = signOAuth1("GET", url, credentials);
    expect(a.searchParams.get("oauth_signature_method")).toBe("HMAC-SHA256");
    expect(a.searchParams.get("oauth_nonce")).not.toBe(b.searchParams.get("oauth_nonce"));
    expect(Math.abs(Number(a.searchParams.get("oauth_timestamp")) - Date.now() / 1000)).toBeLessThan(5);
    expect(a.toString()).not.toContain("cs_test");
  });
});

describe("https stores: HTTP Basic auth", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("builds the header from key and secret", () => {
    expect(basicAuthorization(KEYS)).toBe(`Basic ${Buffer.from(`${KEYS.consumerKey}:${KEYS.consumerSecret}`).toString("base64")}`);
  });

  it("sends it, and no OAuth parameters, to an https store", async () => {
    const seen: Array<{ url: string; headers: Headers }> = [];
    vi.stubGlobal("fetch", async (url: URL, init: RequestInit) => {
      seen.push({ url: String(url), headers: new Headers(init.headers) });
      return new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } });
    });
    const transport = createWooTransport({ url: "https://shop.example.com", credentials: KEYS });
    await transport.request("GET", "/orders", { query: { page: 1 } });
    expect(seen[0].url).toBe("https://shop.example.com/wp-json/wc/v3/orders?page=1");
    expect(seen[0].headers.get("authorization")).toBe(basicAuthorization(KEYS));
  });

  it("refuses a plain-http store unless insecure stores are allowed", () => {
    expect(() => createWooTransport({ url: "http://shop.example.com", credentials: KEYS })).toThrow("store URL must be https");
    expect(() => createWooTransport({ url: "http://localhost:8080", credentials: KEYS }, { allowInsecure: true })).not.toThrow();
  });
});
