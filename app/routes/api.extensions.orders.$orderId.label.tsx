// POST /api/extensions/orders/:orderId/label {shippingAccountId, service} — buy the label
// from the order page. The loader authenticates for the CORS preflight, else 405.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { buyLabelFromExtension } from "~/extensions-api/labels.server";
import { methodNotAllowed } from "~/extensions-api/responses";

export const loader = ({ request }: LoaderFunctionArgs) => extensionRoute(request, async () => methodNotAllowed());

export const action = ({ request, params }: ActionFunctionArgs) =>
  extensionRoute(request, (extension) => buyLabelFromExtension(extension, params.orderId ?? "", request));
