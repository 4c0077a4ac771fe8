// POST /api/extensions/orders/:orderId/decision {decision, reason?} — Approve or Reject a
// COD order from the order page. The loader authenticates too: a CORS preflight
// (OPTIONS) reaches it, and a GET gets 405.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { decideFromExtension } from "~/extensions-api/decision.server";
import { clientIpOf } from "~/http/client-ip";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticate.admin(request);
  return cors(Response.json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } }));
};

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  const { session, sessionToken, cors } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const answer = await decideFromExtension({
    db: forShop(shop.id),
    request,
    shopDomain: session.shop,
    userId: sessionToken?.sub ? String(sessionToken.sub) : undefined,
    rawOrderId: params.orderId ?? "",
    ip: clientIpOf(context),
  });
  return cors(Response.json(answer.body, { status: answer.status, headers: answer.headers }));
};
