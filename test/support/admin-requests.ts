// Requests as the embedded admin makes them: a session token signed with the app's
// secret, for a shop whose offline session is stored (so no token exchange happens).
import {
  API_KEY,
  API_SECRET_KEY,
  APP_URL,
  RequestType,
  setUpValidRequest,
  setUpValidSession,
} from "@shopify/shopify-api/test-helpers";
import { getConfig } from "~/config/env.server";
import { sessionStorage } from "~/shopify.server";

/**
 * Bearer: a fetch from the embedded app (session token in Authorization).
 * Admin: a document load inside the admin (embedded, shop, host and id_token in the query).
 */
export async function adminRequest(
  shop: string,
  path: string,
  init?: RequestInit,
  type: RequestType.Bearer | RequestType.Admin = RequestType.Bearer,
): Promise<Request> {
  await sessionStorage!.storeSession(setUpValidSession({ shop, scope: getConfig().SCOPES }));
  return setUpValidRequest(
    { type, store: shop.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`${APP_URL}${path}`, init),
  );
}

// Kept here too for the tests that import it with adminRequest.
export { settle } from "./settle";
