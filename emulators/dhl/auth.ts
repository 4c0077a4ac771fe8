// POST /auth/v4/accesstoken: the client_credentials grant. The credentials come
// in the form (client_id, client_secret) or as HTTP Basic; grant_type is always
// in the form. Tokens live 60 minutes.
import type { Reply } from "./http";
import { problem, unauthorized } from "./problems";
import type { DhlState } from "./state";

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function tokenReply(state: DhlState, headers: { contentType: string; authorization: string | undefined }, raw: string): Reply {
  // Assumption: DHL's wording for malformed grants (the reference documents only the 401).
  if (!/application\/x-www-form-urlencoded/i.test(headers.contentType)) {
    return problem(400, "Bad Request", "The request must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(raw);
  const grantType = form.get("grant_type");
  if (!grantType) return problem(400, "Bad Request", "grant_type is required");
  if (grantType !== "client_credentials") return problem(400, "Bad Request", `Unsupported grant_type ${grantType}`);
  const basic = basicCredentials(headers.authorization);
  const id = form.get("client_id") ?? basic?.id;
  const secret = form.get("client_secret") ?? basic?.secret;
  if (!id || !secret) return problem(400, "Bad Request", "client_id and client_secret are required");
  const account = state.accounts.get(id);
  if (!account || account.revoked || account.clientSecret !== secret) return unauthorized("Invalid client credentials");
  const { token, expiresIn } = state.issueToken(account);
  return { status: 200, body: { access_token: token.token, token_type: "Bearer", expires_in: expiresIn } };
}
