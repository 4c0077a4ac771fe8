import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { metrics } from "~/metrics/metrics.server";
import { recordWebhookDelivery } from "~/metrics/record.server";
import { authorizeScrape, scrapeResponse } from "~/metrics/scrape.server";

// Built at run time: the repository holds no secret-looking literal (test/unit/secret-scan.test.ts).
const TOKEN = randomBytes(16).toString("hex");

describe("scrape authorization", () => {
  it("is off (404) without a configured token, whatever the request sends", () => {
    expect(authorizeScrape(`Bearer ${TOKEN}`, undefined)).toMatchObject({ ok: false, status: 404 });
  });

  it("accepts only the exact bearer token", () => {
    expect(authorizeScrape(`Bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    expect(authorizeScrape(`bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    for (const header of [null, "", `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}0`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      expect(authorizeScrape(header, TOKEN), String(header)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it("answers 401 with a challenge and no series", async () => {
    const response = await scrapeResponse("Bearer wrong", TOKEN);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="metrics"');
    expect(await response.text()).not.toContain("rappit_");
  });

  it("still answers when scrape-time collection fails", async () => {
    const response = await scrapeResponse(`Bearer ${TOKEN}`, TOKEN, () => Promise.reject(new Error("database down")));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE rappit_webhook_deliveries_total counter");
  });
});

describe("label values", () => {
  it("folds unverified and odd topics so a sender cannot create series", async () => {
    const started = performance.now();
    recordWebhookDelivery("woocommerce", "order.updated", "accepted", started);
    recordWebhookDelivery("woocommerce", "x".repeat(500), "accepted", started);
    recordWebhookDelivery("woocommerce", "orders/create", "bad_signature", started);
    const values = (await metrics().webhookDeliveries.get()).values.filter((value) => value.labels.provider === "woocommerce");
    expect(values.map((value) => value.labels.topic).sort()).toEqual(["order.updated", "other", "unverified"]);
  });
});
