// The block's label download: the document of a purchased shipment of this shop, with
// the type and a filename the browser can save. Another shop's shipment is 404 like a missing one.
import type { ShopDatabase } from "../db/prisma.server";
import { errorAnswer, type Answer } from "./responses";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DOCUMENT_TYPES: Record<string, { contentType: string; extension: string }> = {
  PDF: { contentType: "application/pdf", extension: "pdf" },
  ZPL: { contentType: "application/x-zpl", extension: "zpl" },
  PNG: { contentType: "image/png", extension: "png" },
};

export async function labelDocument(db: ShopDatabase, shipmentId: string): Promise<Answer | Response> {
  const shipment = UUID.test(shipmentId) ? await db.shipment.findFirst({ where: { id: shipmentId, status: "PURCHASED" } }) : null;
  if (!shipment) return errorAnswer(404, "Rappit has no such label in this shop.");
  if (!shipment.label) return errorAnswer(404, shipment.lastError ?? "This label's document is not kept; print it from the carrier's site.");
  const type = DOCUMENT_TYPES[shipment.labelFormat ?? "PDF"] ?? DOCUMENT_TYPES.PDF;
  // Tracking numbers and our references are alphanumeric; anything else is dropped from the filename.
  const name = `label-${(shipment.trackingNumber ?? shipment.reference).replace(/[^A-Za-z0-9_-]/g, "")}.${type.extension}`;
  return new Response(new Uint8Array(shipment.label), {
    headers: {
      "Content-Type": type.contentType,
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
