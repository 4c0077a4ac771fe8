// WooCommerce's server POSTs the new REST keys here (wc-auth). Exactly 200 keeps
// them; every refusal is a 4xx with a reason and stores nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWooCallback } from "~/channels/woocommerce/connect.server";
import { getPrisma } from "~/db/prisma.server";
import { clientIpOf } from "~/http/client-ip";
import { methodNotAllowed } from "~/http/responses";
import { enforceRateLimit } from "~/security/rate-limits.server";
import { loggerFor } from "~/logging/logger.server";
import { recordOAuthCallback } from "~/metrics/record.server";

const logger = loggerFor("woocommerce-connect");
const MAX_BODY_BYTES = 16 * 1024;

export const action = async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  await enforceRateLimit("woocommerceCallback", clientIpOf(context));
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) return Response.json({ error: "body too large" }, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return Response.json({ error: "body is not JSON" }, { status: 400 });
  }
  const answer = await acceptWooCallback(getPrisma(), body, logger);
  recordOAuthCallback("woocommerce", answer.status === 200 ? "success" : "error");
  if (answer.status !== 200) logger.warn({ status: answer.status, reason: answer.message }, "WooCommerce key callback refused");
  return Response.json(answer.status === 200 ? { ok: true } : { error: answer.message }, { status: answer.status });
};

export const loader = () => methodNotAllowed(["POST"]);
