// Activating Rappit's web pixel on a shop from /app/settings: the shop gets a random public
// account id (the pixel's `accountID` setting, which names the shop to the ingest endpoint),
// then Shopify gets the pixel's settings through webPixelCreate, or webPixelUpdate when the
// pixel exists (our stored id, or Shopify answers TAKEN). Shopify checks the settings against
// extensions/rappit-pixel/shopify.extension.toml; its userErrors come back as a message.
import { randomBytes } from "node:crypto";
import { GraphqlQueryError, type GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import { getConfig } from "../config/env.server";
import { forShop, type Database } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import { recordAudit, type Actor } from "../security/audit.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { pacedRequest, ShopifyThrottledError } from "../shopify/paced-graphql.server";

export const PIXEL_INGEST_PATH = "/api/pixel/events";
/** Scopes webPixelCreate/webPixelUpdate need (besides an installed pixel extension). */
export const PIXEL_SCOPES = ["write_pixels", "read_customer_events"] as const;

const CREATE = `#graphql
  mutation RappitPixelCreate($settings: JSON!) {
    webPixelCreate(webPixel: { settings: $settings }) { webPixel { id settings } userErrors { field message code } }
  }`;
const UPDATE = `#graphql
  mutation RappitPixelUpdate($id: ID!, $settings: JSON!) {
    webPixelUpdate(id: $id, webPixel: { settings: $settings }) { webPixel { id settings } userErrors { field message code } }
  }`;
/** With no id, Shopify answers the calling app's own pixel. */
const CURRENT = `#graphql
  query RappitPixel { webPixel { id } }`;

interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}
interface PixelPayload {
  webPixel: { id: string } | null;
  userErrors: UserError[];
}

export interface PixelStatus {
  active: boolean;
  webPixelId: string | null;
  /** Where the pixel sends events once activated (or updated). */
  endpoint: string;
  /** Both pixel scopes granted; otherwise activation needs the merchant to approve them first. */
  scopesGranted: boolean;
}

export type ActivationResult =
  | { ok: true; mode: "created" | "updated"; webPixelId: string }
  | { ok: false; message: string };

export function pixelEndpoint(appUrl = getConfig().SHOPIFY_APP_URL): string {
  return new URL(PIXEL_INGEST_PATH, appUrl).toString();
}

/** 24 url-safe characters (144 random bits): public, but not guessable. */
export function newPixelAccountId(): string {
  return randomBytes(18).toString("base64url");
}

export async function getPixelStatus(db: Database, shopId: string): Promise<PixelStatus> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { webPixelId: true, scopes: true } });
  const granted = new Set(shop.scopes.split(",").map((scope) => scope.trim()));
  return {
    active: shop.webPixelId !== null,
    webPixelId: shop.webPixelId,
    endpoint: pixelEndpoint(),
    scopesGranted: PIXEL_SCOPES.every((scope) => granted.has(scope)),
  };
}

/** The shop's account id, made once (a concurrent activation keeps the first one). */
async function ensureAccountId(db: Database, shopId: string): Promise<string> {
  await db.shop.updateMany({ where: { id: shopId, pixelAccountId: null }, data: { pixelAccountId: newPixelAccountId() } });
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { pixelAccountId: true } });
  return shop.pixelAccountId!;
}

function describeErrors(errors: UserError[]): string {
  return errors.map((error) => (error.code ? `${error.message} (${error.code})` : error.message)).join(" ");
}

async function mutate(client: GraphqlClient, query: string, variables: Record<string, unknown>, field: "webPixelCreate" | "webPixelUpdate", logger: Logger) {
  const reply = await pacedRequest<Record<typeof field, PixelPayload>>(client, query, variables, logger);
  const payload = reply.data?.[field];
  if (!payload) throw new Error(`${field}: no payload in Shopify's answer`);
  return payload;
}

/** A failure of the call itself (not a userError) as something a merchant can act on. */
function failureMessage(error: unknown): string {
  if (error instanceof ShopifyThrottledError) {
    return `Shopify is busy with this shop's other requests. Try again in ${Math.ceil(error.delayMs / 1000)} seconds.`;
  }
  if (error instanceof GraphqlQueryError) {
    const text = JSON.stringify(error.body ?? error.message);
    if (/ACCESS_DENIED|access denied/i.test(text)) {
      return `Shopify refused: Rappit needs the ${PIXEL_SCOPES.join(" and ")} permissions. Approve the app's updated permissions, then activate again.`;
    }
  }
  return "Shopify could not be reached to activate the pixel. Try again in a moment.";
}

export interface ActivationInput {
  db: Database;
  shopId: string;
  actor: Actor;
  /** The shop's offline Admin API client; made from the stored offline session by default. */
  client?: GraphqlClient;
  logger?: Logger;
}

/** Creates or updates the shop's web pixel with {accountID, endpoint}; stores its id and audits. */
export async function activatePixel({ db, shopId, actor, client, logger = loggerFor("pixel-activation") }: ActivationInput): Promise<ActivationResult> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true, webPixelId: true } });
  const accountID = await ensureAccountId(db, shopId);
  const endpoint = pixelEndpoint();
  // The JSON scalar takes the settings as a JSON-encoded string (Shopify's documented form).
  const settings = JSON.stringify({ accountID, endpoint });

  let outcome: ActivationResult;
  try {
    const admin = client ?? (await offlineAdminClient(shop.domain));
    const update = async (id: string) => mutate(admin, UPDATE, { id, settings }, "webPixelUpdate", logger);
    let mode: "created" | "updated" = "updated";
    let payload: PixelPayload | null = shop.webPixelId ? await update(shop.webPixelId) : null;
    // Our id is stale (the app was reinstalled, the pixel removed): create a new one.
    if (!payload || payload.userErrors.some((error) => error.code === "NOT_FOUND")) {
      mode = "created";
      payload = await mutate(admin, CREATE, { settings }, "webPixelCreate", logger);
      if (payload.userErrors.some((error) => error.code === "TAKEN")) {
        // The app's pixel exists on Shopify but we lost its id: find it and update it.
        const current = await pacedRequest<{ webPixel: { id: string } | null }>(admin, CURRENT, {}, logger);
        const id = current.data?.webPixel?.id;
        if (id) {
          mode = "updated";
          payload = await update(id);
        }
      }
    }
    outcome =
      payload.userErrors.length === 0 && payload.webPixel
        ? { ok: true, mode, webPixelId: payload.webPixel.id }
        : { ok: false, message: `Shopify did not accept the pixel: ${describeErrors(payload.userErrors) || "no pixel in the answer"}` };
  } catch (error) {
    logger.warn({ shopId, err: error }, "web pixel activation failed");
    outcome = { ok: false, message: failureMessage(error) };
  }
  if (!outcome.ok) return outcome;

  await db.shop.update({ where: { id: shopId }, data: { webPixelId: outcome.webPixelId } });
  await recordAudit(forShop(shopId, db), {
    actor,
    action: "PIXEL_ACTIVATED",
    subject: { type: "WebPixel", id: outcome.webPixelId },
    before: { webPixelId: shop.webPixelId },
    after: { webPixelId: outcome.webPixelId, endpoint, mode: outcome.mode },
  });
  logger.info({ shopId, mode: outcome.mode }, "web pixel activated");
  return outcome;
}
