// GET /api/extensions/orders/:orderId/rates — quotes from every connected carrier account.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { ratesForOrder } from "~/extensions-api/labels.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => extensionRoute(request, ({ db }) => ratesForOrder(db, params.orderId ?? ""));
