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

// What the library's cors wrapper sets, for the one answer given before the library runs.
const CORS_HEADERS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type" };

export async function extensionRoute(request: Request, work: (context: ExtensionContext) => Promise<Answer | Response>): Promise<Response> {
  if (request.method !== "OPTIONS" && !request.headers.get("authorization") && !new URL(request.url).searchParams.get("id_token")) {
    // Without any session token the library takes the request for a page load and redirects
    // it to the login page, which a fetch from the extension cannot follow: say 401 instead.
    return Response.json({ error: "Missing session token: call this route with the extension's fetch (it adds Authorization: Bearer)." }, { status: 401, headers: CORS_HEADERS });
  }
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
