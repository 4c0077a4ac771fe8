// app/uninstalled: the shop's sessions go and the shop is marked uninstalled.
// Shopify can deliver this more than once; a repeat finds nothing left to do.
import type { ActionFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/http/responses";
import { authenticate } from "~/shopify.server";
import { onUninstalled } from "~/shops/shop-lifecycle.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request); // bad HMAC: throws 401
  await onUninstalled(shop);
  return new Response(null, { status: 200 });
};

export const loader = () => methodNotAllowed(["POST"]);
