// Runs the connection checks for one shop or for every installed shop, one shop after
// another (a run must not become a burst against the providers). The same checks feed
// `npm run doctor` and the Health card on /app.
import { getConfig, scopesOf } from "../config/env.server";
import { forShop, getPrisma, type Database } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { offlineSessionStore } from "../shopify.server";
import { carrierChecks } from "./carrier-checks.server";
import type { DoctorCheck, ShopReport } from "./report";
import { shopifyChecks, type DoctorShop, type ShopifyCheckDeps } from "./shopify-checks.server";
import { wooCommerceChecks } from "./woocommerce-checks.server";

const logger = loggerFor("doctor");

export class DoctorShopNotFoundError extends Error {
  constructor(domain: string) {
    super(`No shop "${domain}" in this database: give its myshopify domain, e.g. my-store.myshopify.com`);
    this.name = "DoctorShopNotFoundError";
  }
}

export function defaultShopifyCheckDeps(): ShopifyCheckDeps {
  return { storage: offlineSessionStore, adminClient: (shop) => offlineAdminClient(shop), expectedScopes: scopesOf(getConfig()) };
}

const SHOP_FIELDS = { id: true, domain: true, tokenStatus: true, installedAt: true, uninstalledAt: true, redactedAt: true } as const;

/** A group of checks that threw instead of answering is itself a failed check, not a crashed run. */
async function guarded(group: string, run: () => Promise<DoctorCheck[]>): Promise<DoctorCheck[]> {
  try {
    return await run();
  } catch (error) {
    logger.error({ err: error, group }, "doctor check failed unexpectedly");
    return [{ name: group, status: "FAIL", detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`, fix: "See the doctor's log line for the stack; run it again once the cause is fixed." }];
  }
}

export async function checkShop(shop: DoctorShop, deps: ShopifyCheckDeps = defaultShopifyCheckDeps(), base: Database = getPrisma()): Promise<ShopReport> {
  const db = forShop(shop.id, base);
  const checks = [
    ...(await guarded("Shopify", () => shopifyChecks(shop, db, deps))),
    ...(await guarded("WooCommerce", () => wooCommerceChecks(db))),
    ...(await guarded("Carriers", () => carrierChecks(db))),
  ];
  return { shop: shop.domain, checkedAt: new Date().toISOString(), checks };
}

/** Reports for the named shop, or for every installed shop (by domain). */
export async function runDoctor(options: { shop?: string; deps?: ShopifyCheckDeps; db?: Database } = {}): Promise<ShopReport[]> {
  const base = options.db ?? getPrisma();
  const deps = options.deps ?? defaultShopifyCheckDeps();
  if (options.shop) {
    const given = options.shop.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    // "their-store" is accepted for "their-store.myshopify.com", as support staff often write it.
    const domain = given.includes(".") ? given : `${given}.myshopify.com`;
    const shop = await base.shop.findUnique({ where: { domain }, select: SHOP_FIELDS });
    if (!shop) throw new DoctorShopNotFoundError(options.shop);
    if (shop.uninstalledAt || shop.redactedAt) {
      const when = (shop.redactedAt ?? shop.uninstalledAt)!.toISOString();
      return [
        {
          shop: shop.domain,
          checkedAt: new Date().toISOString(),
          checks: [{ name: "Install", status: "FAIL", detail: `Rappit was uninstalled on ${when}${shop.redactedAt ? " and the shop's data erased (shop/redact)" : ""}`, fix: "The merchant installs Rappit again from the Shopify App Store; connections are set up anew." }],
        },
      ];
    }
    return [await checkShop(shop, deps, base)];
  }
  const shops = await base.shop.findMany({ where: { uninstalledAt: null, redactedAt: null }, select: SHOP_FIELDS, orderBy: { domain: "asc" } });
  const reports: ShopReport[] = [];
  for (const shop of shops) reports.push(await checkShop(shop, deps, base));
  return reports;
}
