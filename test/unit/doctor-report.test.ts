import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { exitCodeOf, reportLines, worstStatus, type ShopReport } from "~/doctor/report";
import { SUBSCRIBED_TOPICS } from "~/shopify/webhook-topics";

const report: ShopReport = {
  shop: "demo.myshopify.com",
  checkedAt: "2026-11-22T11:00:00.000Z",
  checks: [
    { name: "Shopify token", status: "OK", detail: "Admin API call OK" },
    { name: "WooCommerce https://store.example", status: "FAIL", detail: "the store refused Rappit's REST keys (HTTP 401)", fix: "Reconnect the store." },
    { name: "Shopify webhooks", status: "WARN", detail: "no delivery since 2026-11-01", fix: "Check Monitoring." },
  ],
};

describe("doctor report", () => {
  it("prints one line per check: status, shop, what, and the fix when not OK", () => {
    expect(reportLines([report])).toEqual([
      "OK    demo.myshopify.com  Shopify token: Admin API call OK",
      "FAIL  demo.myshopify.com  WooCommerce https://store.example: the store refused Rappit's REST keys (HTTP 401) Fix: Reconnect the store.",
      "WARN  demo.myshopify.com  Shopify webhooks: no delivery since 2026-11-01 Fix: Check Monitoring.",
    ]);
  });

  it("exits non-zero only when a check FAILs", () => {
    expect(worstStatus(report.checks)).toBe("FAIL");
    expect(exitCodeOf([report])).toBe(1);
    const warnOnly = { ...report, checks: report.checks.filter((check) => check.status !== "FAIL") };
    expect(worstStatus(warnOnly.checks)).toBe("WARN");
    expect(exitCodeOf([warnOnly])).toBe(0);
    expect(exitCodeOf([])).toBe(0);
  });

  it.each(["shopify.app.toml", "shopify.app.staging.toml", "shopify.app.production.toml"])("knows the topics %s subscribes to", (file) => {
    const config = parse(readFileSync(file, "utf8")) as { webhooks: { subscriptions: Array<{ topics?: string[] }> } };
    const topics = config.webhooks.subscriptions.flatMap((subscription) => subscription.topics ?? []);
    expect([...SUBSCRIBED_TOPICS].sort()).toEqual(topics.sort());
  });
});
