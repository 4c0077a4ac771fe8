// GET /api/extensions/orders/:orderId/rates — quotes from every connected carrier account.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { ratesForOrder } from "~/extensions-api/labels.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const answer = await ratesForOrder(forShop(shop.id), params.orderId ?? "");
  return cors(Response.json(answer.body, { status: answer.status }));
};
