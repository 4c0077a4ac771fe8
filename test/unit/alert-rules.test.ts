import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { exportedSeriesNames } from "~/metrics/metrics.server";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const rules = (parse(readFileSync("docs/alerts.yml", "utf8")) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((group) => group.rules);

describe("docs/alerts.yml", () => {
  it("has a rule for each alert the plan names, each with a severity and a summary", () => {
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      "RappitCarrierBreakerOpen",
      "RappitDeadLettersGrowing",
      "RappitDependencyDown",
      "RappitMetricsMissing",
      "RappitOAuthCallbackErrors",
      "RappitTokenRefreshFailures",
    ]);
    for (const rule of rules) {
      expect(["page", "ticket"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      if (rule.for) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  it("uses only series the registry exports", async () => {
    const exported = await exportedSeriesNames();
    for (const rule of rules) {
      const used = [...rule.expr.matchAll(/\b(rappit_[a-z0-9_]+)\b/g)].map((match) => match[1]);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(exported, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it("states the thresholds of the plan", () => {
    const expr = (alert: string) => rules.find((rule) => rule.alert === alert)!.expr;
    expect(expr("RappitTokenRefreshFailures")).toMatch(/\[5m\][\s\S]*> 0\.05/);
    expect(expr("RappitOAuthCallbackErrors")).toMatch(/\[1h\]\)\) > 10$/);
    expect(expr("RappitCarrierBreakerOpen")).toContain("[10m]");
    expect(expr("RappitDependencyDown")).toContain("rappit_dependency_up");
  });
});
