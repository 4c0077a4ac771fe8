// Reading GDPR data exports for the admin: the list, and one export as a JSON download.
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { recordAudit, type Actor } from "../security/audit.server";

export function listDataExports(db: ShopDatabase) {
  return db.dataExport.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, requestId: true, email: true, customerExternalId: true, createdAt: true },
  });
}

/** The export as a downloadable JSON body, audited; null when it is not this shop's. */
export async function downloadDataExport(db: ShopDatabase, id: string, actor: Actor) {
  if (!z.uuid().safeParse(id).success) return null;
  const found = await db.dataExport.findUnique({ where: { id } });
  if (!found) return null;
  await recordAudit(db, {
    actor,
    action: "CUSTOMER_DATA_REQUESTED",
    subject: { type: "DataExport", id: found.id },
    after: { downloaded: true, requestId: found.requestId },
  });
  return { filename: `rappit-data-request-${found.requestId}.json`, body: JSON.stringify(found.data, null, 2) };
}
