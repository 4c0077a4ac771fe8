// POST /oauth/token: the client_credentials grant, form-encoded only (FedEx
// rejects JSON bodies here). Other grants (csp_credentials, client_pc_credentials)
// are for FedEx Compatible providers, which Rappit is not: answered 400.
import { MESSAGES, fedexError } from "./errors";
import type { Reply } from "./http";
import type { FedexState } from "./state";

export function tokenReply(state: FedexState, contentType: string, raw: string): Reply {
  if (!/application\/x-www-form-urlencoded/i.test(contentType)) return fedexError(400, "BAD.REQUEST.ERROR", MESSAGES.badRequest);
  const form = new URLSearchParams(raw);
  const grantType = form.get("grant_type");
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");
  if (!grantType || !clientId || !clientSecret) return fedexError(400, "BAD.REQUEST.ERROR", MESSAGES.badRequest);
  if (grantType !== "client_credentials") {
    // Assumption: the code and wording for an unsupported grant are ours.
    return fedexError(400, "BAD.REQUEST.ERROR", `The grant_type ${grantType} is not supported. Please modify your request and try again.`);
  }
  const account = state.accounts.get(clientId);
  if (!account || account.revoked || account.clientSecret !== clientSecret) {
    return fedexError(401, "NOT.AUTHORIZED.ERROR", MESSAGES.badCredentials);
  }
  const { token, expiresIn } = state.issueToken(account);
  return { status: 200, bare: true, body: { access_token: token.token, token_type: "bearer", expires_in: expiresIn, scope: "CXS-TP" } };
}
