// shop/redact (48 hours after uninstall): every row of the shop in every table
// goes, in one transaction, in the one deliberate system context that may do so.
// The Shop row stays with its domain and redactedAt, plus one SHOP_REDACTED audit
// row holding counts only, so support can answer "what happened to this shop".
import { Prisma } from "@prisma/client";
import { forShop, type Database } from "../db/prisma.server";
import { recordAudit } from "../security/audit.server";
import { MERCHANT_MODELS, withSystemContext } from "../security/tenancy";

// Children before parents, so no foreign key stands in the way.
const PURGE_ORDER = [
  "PixelEvent",
  "MessageLog",
  "ApprovalToken",
  "Approval",
  "InventoryReservation",
  "InventoryMovement",
  "InventoryItem",
  "InventoryImport",
  "DeadLetter",
  "ShipmentEvent",
  "Shipment",
  "ShippingAccount",
  "OrderLine",
  "RefundLine",
  "Order",
  "WebhookEvent",
  "DataExport",
  "ChannelConnectAttempt",
  "Channel",
  "AuditLog",
];

export async function purgeShop(db: Database, shopDomain: string): Promise<Record<string, number> | null> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop) return null;
  const unknown = [...MERCHANT_MODELS].filter((model) => !PURGE_ORDER.includes(model));
  if (unknown.length > 0) {
    // A new merchant model must be added to the purge, or the purge would leave data behind.
    throw new Error(`shop purge does not know how to delete: ${unknown.join(", ")}`);
  }

  const counts = await withSystemContext("gdpr-shop-purge", () =>
    db.$transaction(async (tx) => {
      // The audit trail is append-only except inside this purge (see the AuditLog trigger).
      await tx.$executeRaw`SELECT set_config('rappit.audit_purge', 'on', true)`;
      const deleted: Record<string, number> = {};
      for (const model of PURGE_ORDER) {
        deleted[model] = await tx.$executeRaw`DELETE FROM ${Prisma.raw(`"${model}"`)} WHERE "shopId" = ${shop.id}::uuid`;
      }
      deleted.Session = (await tx.session.deleteMany({ where: { shop: shopDomain } })).count;
      await tx.shop.update({
        where: { id: shop.id },
        data: { redactedAt: new Date(), scopes: "", primaryLocationId: null, currencyCode: null, shipFrom: Prisma.DbNull },
      });
      return deleted;
    }),
  );
  await recordAudit(forShop(shop.id, db), {
    actor: { type: "WORKER", id: "gdpr" },
    action: "SHOP_REDACTED",
    subject: { type: "Shop", id: shop.id },
    after: { deleted: counts },
  });
  return counts;
}
