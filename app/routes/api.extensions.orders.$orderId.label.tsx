// POST /api/extensions/orders/:orderId/label {shippingAccountId, service} — buy the label
// from the order page. The loader authenticates for the CORS preflight, else 405.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { buyLabelFromExtension } from "~/extensions-api/labels.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticate.admin(request);
  return cors(Response.json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } }));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return cors(Response.json({ error: 'The body must be JSON: {"shippingAccountId", "service"}.' }, { status: 400 }));
  }
  const answer = await buyLabelFromExtension(forShop(shop.id), params.orderId ?? "", body);
  return cors(Response.json(answer.body, { status: answer.status }));
};
