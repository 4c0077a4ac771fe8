// POST /admin/oauth/access_token: token exchange, refresh and authorization code
// grants, answering like Shopify: expiring offline tokens (expires_in 3600) with
// a rotating refresh token, and OAuth error bodies on failure.
import { verifySessionToken } from "./session-token";
import type { ShopifyState } from "./state";

export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";
/** Online tokens live about a day, as Shopify's. */
const ONLINE_LIFETIME_SECONDS = 86_399;

/** An online token for the session token's user: Shopify adds associated_user and no refresh token. */
function onlineGrant(state: ShopifyState, shop: string, scope: string, userId: string): TokenReply {
  const access = state.issueAccessToken(shop, scope, false);
  access.expiresAt = Date.now() + ONLINE_LIFETIME_SECONDS * 1000;
  const staff = state.staff.get(userId) ?? { email: `staff-${userId}@${shop.replace(".myshopify.com", "")}.example`, emailVerified: true, firstName: `Staff ${userId}`, accountOwner: false };
  return {
    status: 200,
    body: {
      access_token: access.token,
      scope,
      expires_in: ONLINE_LIFETIME_SECONDS,
      associated_user_scope: scope,
      associated_user: {
        id: Number(userId),
        first_name: staff.firstName,
        last_name: "Admin",
        email: staff.email,
        email_verified: staff.emailVerified,
        account_owner: staff.accountOwner,
        locale: "en",
        collaborator: false,
      },
    },
  };
}

function oauthError(status: number, error: string, description: string): TokenReply {
  return { status, body: { error, error_description: description } };
}

function grant(state: ShopifyState, shop: string, scope: string): TokenReply {
  const access = state.issueAccessToken(shop, scope, true);
  const refresh = state.issueRefreshToken(shop);
  const body: Record<string, unknown> = {
    access_token: access.token,
    scope,
    refresh_token: refresh.token,
    refresh_token_expires_in: Math.round((refresh.expiresAt - Date.now()) / 1000),
  };
  if (!state.faults.omitExpiresIn) body.expires_in = state.faults.accessTokenLifetimeSeconds;
  return { status: 200, body };
}

export function handleTokenRequest(state: ShopifyState, shop: string, form: Record<string, unknown>, grantedScope: string): TokenReply {
  if (!state.shops.has(shop)) return oauthError(404, "shop_not_found", `No shop ${shop}`);
  if (form.client_id !== state.apiKey || form.client_secret !== state.apiSecret) {
    return oauthError(401, "invalid_client", "Client authentication failed");
  }
  switch (form.grant_type) {
    case TOKEN_EXCHANGE: {
      state.tokenRequests.token_exchange += 1;
      const claims = verifySessionToken(String(form.subject_token ?? ""), state.apiKey, state.apiSecret);
      if (!claims || claims.dest !== `https://${shop}`) {
        return oauthError(400, "invalid_subject_token", "The session token is invalid or expired");
      }
      if (form.requested_token_type === ONLINE) {
        if (!claims.sub || !/^\d+$/.test(claims.sub)) return oauthError(400, "invalid_subject_token", "The session token has no user");
        return onlineGrant(state, shop, grantedScope, claims.sub);
      }
      if (form.requested_token_type !== OFFLINE) {
        return oauthError(400, "invalid_request", "requested_token_type must be an online or offline access token");
      }
      if (form.expiring !== "1") return oauthError(400, "invalid_request", "Emulated apps must request expiring tokens");
      return grant(state, shop, grantedScope);
    }
    case "refresh_token": {
      state.tokenRequests.refresh_token += 1;
      const presented = state.refreshTokens.get(String(form.refresh_token ?? ""));
      if (!presented || presented.shop !== shop || presented.revoked || presented.expiresAt <= Date.now()) {
        return oauthError(400, "invalid_grant", "The refresh token is invalid, expired or revoked");
      }
      const reply = grant(state, shop, grantedScope);
      // The old refresh token keeps working until the new access token is used (Shopify, 2026-08-28).
      presented.supersededBy = String(reply.body.access_token);
      return reply;
    }
    default:
      return oauthError(400, "unsupported_grant_type", `grant_type ${String(form.grant_type)} is not supported`);
  }
}
