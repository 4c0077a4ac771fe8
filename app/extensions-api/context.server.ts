// The start of every extension route: the admin's session token (Bearer) checked by the
// library, then the rest of the work answered through its `cors` wrapper. The library's
// own answers (204 preflight, 401 bad token, redirects) are thrown before and kept as they are.
import { forShop, getPrisma, type ShopDatabase } from "../db/prisma.server";
import { authenticate } from "../shopify.server";
import { shopOfSession } from "../shops/current-shop.server";
import { corsAnswer, type Answer } from "./responses";

export interface ExtensionContext {
  db: ShopDatabase;
  shopId: string;
  shopDomain: string;
  /** The Shopify user behind the session token (`sub`); undefined when the token names none. */
  userId: string | undefined;
}

export async function extensionRoute(request: Request, work: (context: ExtensionContext) => Promise<Answer | Response>): Promise<Response> {
  const { session, sessionToken, cors } = await authenticate.admin(request);
  return corsAnswer(
    cors,
    async () => {
      const shop = await shopOfSession(getPrisma(), session);
      const userId = sessionToken?.sub ? String(sessionToken.sub) : undefined;
      return work({ db: forShop(shop.id), shopId: shop.id, shopDomain: session.shop, userId });
    },
    { shop: session.shop, path: new URL(request.url).pathname },
  );
}
