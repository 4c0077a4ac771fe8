// Verifies the session tokens (HS256 JWTs signed with the app's secret) that
// token exchange presents, the way Shopify's token endpoint does.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub?: string;
  exp: number;
  nbf: number;
}

export function verifySessionToken(token: string, apiKey: string, apiSecret: string): SessionTokenClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const expected = createHmac("sha256", apiSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as SessionTokenClaims;
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== apiKey || claims.exp < now - 5 || claims.nbf > now + 5) return null;
    return claims;
  } catch {
    return null;
  }
}
