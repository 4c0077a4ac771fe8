import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "~/logging/logger.server";
import { REDACTED, redactSecrets } from "~/security/redaction";

// Token-shaped values are built at run time so the repository itself holds none.
const hex40 = "0123456789abcdef0123456789abcdef01234567";
const secrets = {
  shopifyToken: `shpat_${"a1B2".repeat(8)}`,
  refreshToken: `shprt_${"z9Y8".repeat(8)}`,
  wooKey: `ck_${hex40}`,
  wooSecret: `cs_${hex40}`,
  bearer: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  clientSecret: "fedex-client-secret-value-1234",
  password: "hunter2-but-longer",
};

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join("").trim().split("\n") };
}

describe("log redaction", () => {
  it("removes every secret from a logged object, at any depth, and keeps the rest", () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: "info", destination: stream });
    logger.info(
      {
        shop: "demo.myshopify.com",
        session: { accessToken: secrets.shopifyToken, refresh_token: secrets.refreshToken, expires: "2026-11-22" },
        request: {
          headers: { authorization: `Bearer ${secrets.bearer}`, "x-api-key": "abc", "content-type": "application/json" },
        },
        woocommerce: { consumer_key: secrets.wooKey, consumer_secret: secrets.wooSecret, storeUrl: "https://shop.example" },
        carriers: [{ clientSecret: secrets.clientSecret, accountNumber: "740561073" }],
        deep: { a: { b: { c: { d: { password: secrets.password } } } } },
        note: `retrying with token ${secrets.shopifyToken} and key ${secrets.wooKey}`,
      },
      `refresh failed for ${secrets.refreshToken}`,
    );
    const line = lines()[0];
    for (const value of Object.values(secrets)) expect(line).not.toContain(value);

    const entry = JSON.parse(line);
    expect(entry.shop).toBe("demo.myshopify.com");
    expect(entry.session).toEqual({ accessToken: REDACTED, refresh_token: REDACTED, expires: "2026-11-22" });
    expect(entry.request.headers).toEqual({ authorization: REDACTED, "x-api-key": REDACTED, "content-type": "application/json" });
    expect(entry.woocommerce.storeUrl).toBe("https://shop.example");
    expect(entry.carriers[0]).toEqual({ clientSecret: REDACTED, accountNumber: "740561073" });
    expect(entry.deep.a.b.c.d.password).toBe(REDACTED);
    expect(entry.note).toBe(`retrying with token ${REDACTED} and key ${REDACTED}`);
    expect(entry.msg).toBe(`refresh failed for ${REDACTED}`);
  });

  it("redacts secrets inside logged errors", () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: "info", destination: stream });
    logger.error({ err: new Error(`401 for consumer key ${secrets.wooKey}`) }, "call failed");
    expect(lines()[0]).not.toContain(secrets.wooKey);
    expect(JSON.parse(lines()[0]).err.message).toBe(`401 for consumer key ${REDACTED}`);
  });

  it("redacts Headers objects and leaves the input untouched", () => {
    const headers = new Headers({ Authorization: `Basic ${Buffer.from("ck:cs-secret-value").toString("base64")}`, Accept: "*/*" });
    const input = { headers, token: secrets.shopifyToken };
    expect(redactSecrets(input)).toEqual({ headers: { authorization: REDACTED, accept: "*/*" }, token: REDACTED });
    expect(input.token).toBe(secrets.shopifyToken);
  });

  it("copes with cycles", () => {
    const node: Record<string, unknown> = { name: "a", secret: "s3cr3t-value" };
    node.self = node;
    expect(redactSecrets(node)).toEqual({ name: "a", secret: REDACTED, self: "[circular]" });
  });
});
