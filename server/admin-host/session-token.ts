// Session tokens as Shopify's admin issues them to an embedded app: an HS256 JWT signed
// with the app's client secret, valid for one minute.
import { createHmac, randomBytes, randomUUID } from "node:crypto";

export interface SessionTokenInput {
  apiKey: string;
  apiSecret: string;
  shop: string;
  userId: string;
  /** Seconds since the epoch; now by default. */
  now?: number;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

const LIFETIME_SECONDS = 60;

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function sessionTokenClaims(input: SessionTokenInput): SessionTokenClaims {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  return {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: input.userId,
    exp: now + LIFETIME_SECONDS,
    nbf: now,
    iat: now,
    jti: randomUUID(),
    // Shopify's sid identifies the admin's login session; any stable-looking random id works.
    sid: randomBytes(16).toString("hex"),
  };
}

export function signSessionToken(input: SessionTokenInput): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(sessionTokenClaims(input)));
  const signature = createHmac("sha256", input.apiSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
