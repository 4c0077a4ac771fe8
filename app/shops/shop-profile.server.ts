// The shop's currency, owner email (the default COD approver) and primary location,
// read from the Admin API at install and on any later admin load where one is missing.
import { z } from "zod";
import type { Database } from "../db/prisma.server";

export const SHOP_PROFILE_QUERY = `#graphql
  query RappitShopProfile {
    shop { currencyCode email }
    location { id }
  }`;

const replySchema = z.object({
  data: z.object({ shop: z.object({ currencyCode: z.string(), email: z.string().nullish() }), location: z.object({ id: z.string() }).nullable() }),
});

/** Anything that can run an Admin GraphQL query and hand back its Response (authenticate.admin's `admin`). */
export interface AdminGraphqlRunner {
  graphql(query: string): Promise<Response>;
}

export async function recordShopProfile(db: Database, domain: string, admin: AdminGraphqlRunner): Promise<void> {
  const reply = replySchema.parse(await (await admin.graphql(SHOP_PROFILE_QUERY)).json());
  await db.shop.update({
    where: { domain },
    data: {
      currencyCode: reply.data.shop.currencyCode,
      ownerEmail: reply.data.shop.email?.trim().toLowerCase() || null,
      primaryLocationId: reply.data.location?.id ?? null,
    },
  });
}

export async function ensureShopProfile(db: Database, domain: string, admin: AdminGraphqlRunner): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { currencyCode: true, primaryLocationId: true, ownerEmail: true } });
  if (shop && (!shop.currencyCode || !shop.primaryLocationId || !shop.ownerEmail)) await recordShopProfile(db, domain, admin);
}
