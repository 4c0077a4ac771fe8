// GET /api/extensions/orders/:orderId — Rappit's state of a Shopify order for the
// order-page extensions (session token auth, CORS for the extension's origin).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { orderSummary } from "~/extensions-api/order-summary.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const summary = await orderSummary(forShop(shop.id), params.orderId ?? "");
  if (!summary) return cors(Response.json({ error: "Rappit has no such order in this shop." }, { status: 404 }));
  return cors(Response.json(summary));
};
