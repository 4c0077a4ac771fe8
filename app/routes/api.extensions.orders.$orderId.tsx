// GET /api/extensions/orders/:orderId — Rappit's state of a Shopify order for the
// order-page extensions (session token auth, CORS for the extension's origin).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { orderSummary } from "~/extensions-api/order-summary.server";
import { ORDER_NOT_FOUND } from "~/extensions-api/resolve-order.server";
import { answer, errorAnswer } from "~/extensions-api/responses";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  extensionRoute(request, async ({ db }) => {
    const summary = await orderSummary(db, params.orderId ?? "");
    return summary ? answer(200, summary) : errorAnswer(404, ORDER_NOT_FOUND);
  });
