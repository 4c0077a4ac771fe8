import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "~/config/env.server";
import { apiVersion } from "~/shopify.server";

interface AppToml {
  client_id: string;
  application_url: string;
  embedded: boolean;
  access_scopes: { scopes: string };
  auth: { redirect_urls: string[] };
  webhooks: { api_version: string; subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
}

const files = ["shopify.app.toml", "shopify.app.staging.toml", "shopify.app.production.toml"];
const read = (file: string) => parse(readFileSync(file, "utf8")) as unknown as AppToml;

/** Remix flat routes: "/webhooks/app/uninstalled" is app/routes/webhooks.app.uninstalled.tsx. */
function routeFileFor(uri: string): string {
  return `app/routes/${uri.replace(/^\//, "").replace(/\//g, ".")}.tsx`;
}

describe.each(files)("%s", (file) => {
  const config = read(file);

  it("is an embedded app asking for the scopes the server asks for", () => {
    expect(config.embedded).toBe(true);
    expect(config.access_scopes.scopes.split(",").sort()).toEqual(DEFAULT_SCOPES.split(",").sort());
  });

  it("redirects only to its own application URL", () => {
    for (const url of config.auth.redirect_urls) {
      expect(url.startsWith(`${config.application_url}/auth/`)).toBe(true);
    }
  });

  it("subscribes with the server's API version, each topic to a route that exists", () => {
    expect(config.webhooks.api_version).toBe(apiVersion);
    const topics = config.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    expect(topics.sort()).toEqual(
      ["app/scopes_update", "app/uninstalled", "inventory_levels/update", "orders/cancelled", "orders/create", "orders/updated", "refunds/create"],
    );
    const compliance = config.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(compliance.sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    for (const subscription of config.webhooks.subscriptions) {
      expect(existsSync(routeFileFor(subscription.uri)), subscription.uri).toBe(true);
    }
  });
});

describe("environments", () => {
  it("sends development to localhost and staging and production to their own https hosts", () => {
    const [dev, staging, production] = files.map(read);
    expect(new URL(dev.application_url).hostname).toBe("localhost");
    expect(staging.application_url).toMatch(/^https:\/\//);
    expect(production.application_url).toMatch(/^https:\/\//);
    expect(new Set([dev, staging, production].map((c) => c.application_url)).size).toBe(3);
  });

  it("declares the same webhooks everywhere", () => {
    const [dev, ...others] = files.map(read);
    for (const other of others) expect(other.webhooks).toEqual(dev.webhooks);
  });
});
