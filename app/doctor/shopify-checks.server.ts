// The Shopify side of a shop: its offline token (present, not expired, refresh token
// still good, proven by a cheap authenticated call that refreshes first when due, under
// the same lock the workers use), the scopes Shopify granted against the ones the app
// asks for, and whether Shopify's webhooks reach us.
import { HttpResponseError, type GraphqlClient, type Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { ShopDatabase } from "../db/prisma.server";
import { ShopNeedsReauthError, offlineSessionId } from "../shopify/offline-token.server";
import { SUBSCRIBED_TOPICS } from "../shopify/webhook-topics";
import type { DoctorCheck } from "./report";

export interface ShopifyCheckDeps {
  storage: SessionStorage;
  /** An Admin API client on a fresh offline session (refreshes when due). */
  adminClient(shop: string): Promise<GraphqlClient>;
  expectedScopes: readonly string[];
  now?: Date;
}

export interface DoctorShop {
  id: string;
  domain: string;
  tokenStatus: string;
  installedAt: Date;
}

const REAUTH_FIX =
  "A staff member of the shop opens Rappit from the Shopify admin (Apps > Rappit): that exchanges a new offline token. If the app was removed, reinstall it.";
const WEEK_MS = 7 * 86_400_000;

const days = (ms: number) => `${Math.max(0, Math.round(ms / 86_400_000))} days`;

export async function shopifyChecks(shop: DoctorShop, db: ShopDatabase, deps: ShopifyCheckDeps): Promise<DoctorCheck[]> {
  const token = await tokenCheck(shop, deps);
  const session = await deps.storage.loadSession(offlineSessionId(shop.domain));
  return [token, scopesCheck(session, deps.expectedScopes), await webhooksCheck(shop, db, deps.now ?? new Date())];
}

async function tokenCheck(shop: DoctorShop, deps: ShopifyCheckDeps): Promise<DoctorCheck> {
  const name = "Shopify token";
  const now = (deps.now ?? new Date()).getTime();
  if (shop.tokenStatus === "NEEDS_REAUTH") {
    return { name, status: "FAIL", detail: "Shopify refused the shop's refresh token earlier (shop marked NEEDS_REAUTH)", fix: REAUTH_FIX };
  }
  const stored = await deps.storage.loadSession(offlineSessionId(shop.domain));
  if (!stored) return { name, status: "FAIL", detail: "no offline token is stored for the shop", fix: REAUTH_FIX };
  if (stored.refreshToken && stored.refreshTokenExpires && stored.refreshTokenExpires.getTime() <= now) {
    return { name, status: "FAIL", detail: `the refresh token expired on ${stored.refreshTokenExpires.toISOString()}`, fix: REAUTH_FIX };
  }
  try {
    const client = await deps.adminClient(shop.domain);
    await client.request(`#graphql
      query DoctorShop { shop { id } }`);
  } catch (error) {
    if (error instanceof ShopNeedsReauthError) return { name, status: "FAIL", detail: `Shopify refused the refresh token (${error.message})`, fix: REAUTH_FIX };
    if (error instanceof HttpResponseError && [401, 403].includes(error.response.code)) {
      return { name, status: "FAIL", detail: `the Admin API refused the access token (HTTP ${error.response.code})`, fix: REAUTH_FIX };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { name, status: "WARN", detail: `the Admin API did not answer: ${message}`, fix: "Try again in a few minutes; check https://www.shopifystatus.com if it persists." };
  }
  const fresh = (await deps.storage.loadSession(offlineSessionId(shop.domain))) ?? stored;
  const expires = fresh.expires ? `access token valid until ${fresh.expires.toISOString()}` : "non-expiring access token";
  if (fresh.refreshTokenExpires && fresh.refreshTokenExpires.getTime() - now < WEEK_MS) {
    return {
      name,
      status: "WARN",
      detail: `Admin API call OK; ${expires}; the refresh token expires in ${days(fresh.refreshTokenExpires.getTime() - now)}`,
      fix: "It renews whenever a staff member opens Rappit; ask the merchant to open the app before it expires.",
    };
  }
  const refresh = fresh.refreshTokenExpires ? `; refresh token valid until ${fresh.refreshTokenExpires.toISOString()}` : "";
  return { name, status: "OK", detail: `Admin API call OK; ${expires}${refresh}` };
}

function scopesCheck(session: Session | undefined, expected: readonly string[]): DoctorCheck {
  const name = "Shopify scopes";
  if (!session) return { name, status: "FAIL", detail: "no offline token, so no granted scopes", fix: REAUTH_FIX };
  const granted = new Set((session.scope ?? "").split(",").map((scope) => scope.trim()).filter(Boolean));
  // A write scope implies its read scope (Shopify grants write_orders without listing read_orders).
  const has = (scope: string) => granted.has(scope) || (scope.startsWith("read_") && granted.has(`write_${scope.slice(5)}`));
  const missing = expected.filter((scope) => !has(scope));
  if (missing.length > 0) {
    return {
      name,
      status: "FAIL",
      detail: `not granted: ${missing.join(", ")}`,
      fix: "A staff member opens Rappit and approves the new access Shopify asks for (the scopes are those in shopify.app.toml; deploy it with `shopify app deploy` if it changed).",
    };
  }
  return { name, status: "OK", detail: `all ${expected.length} scopes of shopify.app.toml granted` };
}

/**
 * The subscriptions live in shopify.app.toml (app-scoped: Shopify registers them for
 * every shop and the Admin API's webhookSubscriptions query does not list them), so the
 * per-shop evidence is whether deliveries arrive.
 */
async function webhooksCheck(shop: DoctorShop, db: ShopDatabase, now: Date): Promise<DoctorCheck> {
  const name = "Shopify webhooks";
  const last = await db.webhookEvent.findFirst({ where: { provider: "SHOPIFY" }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true, topic: true } });
  const declared = `${SUBSCRIBED_TOPICS.length} topics declared in shopify.app.toml`;
  if (last && now.getTime() - last.receivedAt.getTime() < WEEK_MS) {
    return { name, status: "OK", detail: `${declared}; last delivery ${last.receivedAt.toISOString()} (${last.topic})` };
  }
  if (!last && now.getTime() - shop.installedAt.getTime() < WEEK_MS) {
    return { name, status: "OK", detail: `${declared}; no delivery yet (installed ${shop.installedAt.toISOString()})` };
  }
  return {
    name,
    status: "WARN",
    detail: `${declared}; ${last ? `no delivery since ${last.receivedAt.toISOString()}` : "no delivery ever received"}`,
    fix:
      "Check Partner Dashboard > Rappit > Monitoring for failed deliveries to this environment's SHOPIFY_APP_URL, and that `shopify app deploy --config <environment>` ran with the right shopify.app*.toml. Orders still arrive through reconciliation every 15 minutes.",
  };
}
