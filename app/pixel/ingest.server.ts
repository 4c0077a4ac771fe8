// POST /api/pixel/events: checkout events from Rappit's web pixel. The pixel runs on the
// shop's storefront and checkout origins, so every answer carries open CORS headers (the
// body names its shop by a public account id; nothing here is a credential). Order of
// checks: size, JSON, shape (400/413), account (404), rate limit per shop and IP (429),
// then stored once by (shop, event id): 202 either way, so a retried beacon is harmless.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Prisma } from "@prisma/client";
import { forShop, getPrisma, type Database } from "../db/prisma.server";
import { clientIpOf } from "../http/client-ip";
import { loggerFor } from "../logging/logger.server";
import { enforceRateLimit } from "../security/rate-limits.server";
import { describeIssue, pixelPayloadSchema, type PixelPayload } from "./schema";

const logger = loggerFor("pixel-ingest");

export const MAX_PIXEL_BODY_BYTES = 16 * 1024;

export const PIXEL_CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  // application/json needs a preflight; the pixel sends text/plain (a beacon) and needs none.
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
};

function answer(status: number, body: Record<string, unknown> | null, extra: Record<string, string> = {}): Response {
  const headers = { ...PIXEL_CORS_HEADERS, ...extra };
  return body === null ? new Response(null, { status, headers }) : Response.json(body, { status, headers });
}

/** The shop an account id names, if it is still installed and not redacted. */
async function shopOfAccount(db: Database, accountID: string): Promise<{ id: string } | null> {
  return db.shop.findFirst({
    where: { pixelAccountId: accountID, uninstalledAt: null, redactedAt: null },
    select: { id: true },
  });
}

/** Stores the event once per (shop, event id); true when it was new. Only the schema's fields. */
export async function recordPixelEvent(shopId: string, event: PixelPayload, db: Database = getPrisma()): Promise<boolean> {
  // createMany with skipDuplicates is INSERT … ON CONFLICT DO NOTHING on PostgreSQL.
  const { count } = await forShop(shopId, db).pixelEvent.createMany({
    data: [
      {
        shopId,
        eventId: event.eventId,
        name: event.name,
        occurredAt: new Date(event.timestamp),
        checkoutToken: event.checkoutToken,
        orderId: event.orderId,
        email: event.email?.toLowerCase() ?? null,
        phone: event.phone,
        gateways: event.gateways,
        // Nothing beyond the columns: `data` stays empty (the column is required).
        data: {} satisfies Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

async function limited(key: string): Promise<Response | null> {
  try {
    await enforceRateLimit("pixelIngest", key);
    return null;
  } catch (thrown) {
    // Our own limiter's 429: re-sent with the CORS headers so the browser lets it through.
    if (thrown instanceof Response && thrown.status === 429) {
      return answer(429, (await thrown.json()) as Record<string, unknown>, { "Retry-After": thrown.headers.get("Retry-After") ?? "60" });
    }
    throw thrown;
  }
}

async function readBody(request: Request): Promise<{ raw: string } | { tooLarge: true }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_PIXEL_BODY_BYTES) return { tooLarge: true };
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_PIXEL_BODY_BYTES) return { tooLarge: true };
  return { raw: new TextDecoder().decode(bytes) };
}

export async function pixelIngestAction({ request, context }: ActionFunctionArgs): Promise<Response> {
  if (request.method !== "POST") return answer(405, { error: "Use POST." }, { Allow: "POST, OPTIONS" });
  // JSON from fetch, or text/plain from a beacon (the body is JSON either way).
  const type = (request.headers.get("content-type") ?? "text/plain").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && type !== "text/plain") {
    return answer(415, { error: "Send the event as application/json or text/plain JSON." });
  }
  const body = await readBody(request);
  if ("tooLarge" in body) return answer(413, { error: `Body too large: at most ${MAX_PIXEL_BODY_BYTES} bytes.` });
  let json: unknown;
  try {
    json = JSON.parse(body.raw);
  } catch {
    return answer(400, { error: "Body is not JSON." });
  }
  const parsed = pixelPayloadSchema.safeParse(json);
  if (!parsed.success) return answer(400, { error: `Invalid event: ${describeIssue(parsed.error)}.` });
  const event = parsed.data;

  const ip = clientIpOf(context);
  const shop = await shopOfAccount(getPrisma(), event.accountID);
  if (!shop) {
    // Guessing account ids is limited too, under a key of its own.
    const refused = await limited(`unknown:${ip}`);
    if (refused) return refused;
    logger.info({ event: event.name }, "pixel event for an unknown or uninstalled account");
    return answer(404, { error: "Unknown account: the pixel's accountID names no installed shop." });
  }
  const refused = await limited(`${shop.id}:${ip}`);
  if (refused) return refused;

  const stored = await recordPixelEvent(shop.id, event);
  // No email, phone, token or order id in logs: the shop and the event name are enough.
  logger.debug({ shopId: shop.id, event: event.name, stored }, "pixel event");
  return answer(202, { accepted: true, duplicate: !stored });
}

/** OPTIONS (a CORS preflight reaches the loader) → 204; GET → 405. */
export function pixelIngestLoader({ request }: LoaderFunctionArgs): Response {
  if (request.method === "OPTIONS") return answer(204, null);
  return answer(405, { error: "Use POST." }, { Allow: "POST, OPTIONS" });
}
