// Download one shipment's label document (PDF or ZPL) of an order of this shop.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { forShop, getPrisma } from "~/db/prisma.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const ids = z.object({ id: z.uuid(), shipmentId: z.uuid() }).safeParse(params);
  // Another shop's shipment and a missing one look the same: 404.
  const shipment = ids.success
    ? await forShop(shop.id).shipment.findFirst({ where: { id: ids.data.shipmentId, orderId: ids.data.id, status: "PURCHASED" } })
    : null;
  if (!shipment?.label) throw new Response("Label not found", { status: 404 });
  const zpl = shipment.labelFormat === "ZPL";
  return new Response(new Uint8Array(shipment.label), {
    headers: {
      "Content-Type": zpl ? "application/x-zpl" : "application/pdf",
      "Content-Disposition": `attachment; filename="label-${shipment.trackingNumber ?? shipment.reference}.${zpl ? "zpl" : "pdf"}"`,
      "Cache-Control": "no-store",
    },
  });
};
