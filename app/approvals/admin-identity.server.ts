// Who is deciding. The session token names the Shopify user (`sub`) but not their email;
// an approval link is bound to an email, so the email path asks Shopify: the request's
// session token is exchanged for an ONLINE access token, whose associated_user carries
// the user's email. The online token itself is dropped at once (never stored or logged).
import { RequestedTokenType } from "@shopify/shopify-api";
import { getBackgroundApi } from "../shopify/background-api.server";
import { loggerFor } from "../logging/logger.server";

const logger = loggerFor("approvals");

export interface AdminIdentity {
  userId: string;
  /** Verified email, lower-cased; null when Shopify did not confirm one. */
  email: string | null;
}

/** The session token the embedded app sent: Authorization Bearer (fetch) or id_token (document load). */
export function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim() || null;
  return new URL(request.url).searchParams.get("id_token");
}

export async function adminIdentity(request: Request, shop: string, userId: string | undefined): Promise<AdminIdentity> {
  const id = userId ?? "unknown";
  const sessionToken = sessionTokenOf(request);
  if (!sessionToken || !userId) return { userId: id, email: null };
  try {
    const { session } = await getBackgroundApi().auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OnlineAccessToken });
    const user = session.onlineAccessInfo?.associated_user;
    // Only an email Shopify verified can match the email an approval link was sent to.
    const email = user?.email && user.email_verified !== false ? user.email.trim().toLowerCase() : null;
    if (user?.id !== undefined && String(user.id) !== userId) {
      logger.warn({ shop, userId }, "online token's user differs from the session token's sub: email ignored");
      return { userId: id, email: null };
    }
    return { userId: id, email };
  } catch (error) {
    logger.warn({ shop, userId, err: error instanceof Error ? error.message : String(error) }, "online token exchange failed: admin email unknown");
    return { userId: id, email: null };
  }
}
