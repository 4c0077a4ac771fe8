// POST /api/extensions/orders/:orderId/decision {decision, reason?} — Approve or Reject a
// COD order from the order page. The loader authenticates too: a CORS preflight
// (OPTIONS) reaches it, and a GET gets 405.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { decideFromExtension } from "~/extensions-api/decision.server";
import { methodNotAllowed } from "~/extensions-api/responses";
import { clientIpOf } from "~/http/client-ip";

export const loader = ({ request }: LoaderFunctionArgs) => extensionRoute(request, async () => methodNotAllowed());

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  extensionRoute(request, (extension) => decideFromExtension(extension, request, params.orderId ?? "", clientIpOf(context)));
