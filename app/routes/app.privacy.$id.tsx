// Download one customer data export as JSON (audited).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { downloadDataExport } from "~/gdpr/data-exports.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const download = await downloadDataExport(forShop(shop.id), params.id ?? "", {
    type: "USER",
    id: sessionToken?.sub ? String(sessionToken.sub) : undefined,
  });
  if (!download) throw new Response("Data request not found", { status: 404 });
  return new Response(download.body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${download.filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
