// PUSH_SWEEP_JOB, every minute: shops with items still behind their channels get a
// push. That covers a push request lost while Redis was down, items held back by a
// failed channel call, and a store that needed re-authentication and is back.
import { getPrisma, pgPoolOf } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { withSystemContext } from "../../security/tenancy";
import { requestInventoryPush } from "../push-requests.server";

const logger = loggerFor("inventory");
const MAX_SHOPS = 1_000;

export async function runInventoryPushSweep(): Promise<{ shops: number; requested: number }> {
  const base = getPrisma();
  // Cross-shop by design; the partial index on ("shopId") WHERE version > "syncedVersion" keeps it cheap.
  const shops = await withSystemContext("inventory push sweep: finds every shop whose channels are behind", async () => {
    const { rows } = await pgPoolOf(base).query<{ shopId: string }>({
      name: "inventory-push-sweep",
      text: `SELECT DISTINCT i."shopId" FROM "InventoryItem" i
               JOIN "Shop" s ON s.id = i."shopId" AND s."uninstalledAt" IS NULL AND s."redactedAt" IS NULL
              WHERE i.version > i."syncedVersion"
              LIMIT $1`,
      values: [MAX_SHOPS],
    });
    return rows.map((row) => row.shopId);
  });
  let requested = 0;
  for (const shopId of shops) if (await requestInventoryPush(shopId)) requested += 1;
  if (shops.length > 0) logger.info({ shops: shops.length, requested }, "inventory push sweep");
  return { shops: shops.length, requested };
}
