// The approval link's token: an HS256 JWT bound to the shop, the approval and the
// approver's email, with a jti stored beside the SHA-256 of the token (never the token
// itself) so it can be used once. Verified with the current secret, then the previous
// one (rotation: links already emailed keep working until they expire).
//
// Audience: "rappit:cod-approval", not the app's API key, so an approval token can never
// pass as a Shopify session token (whose audience is the API key) nor the reverse.
import { createHash, hkdfSync, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { getConfig, parseConfigSubset } from "../config/env.server";
import type { ShopDatabase } from "../db/prisma.server";
import { parseKey } from "../security/encryption";
import { ExpiredApprovalTokenError, InvalidApprovalTokenError } from "./approval-errors";

export const APPROVAL_TOKEN_AUDIENCE = "rappit:cod-approval";
const ALGORITHM = "HS256";
/** HKDF label of the development key derived from ENCRYPTION_KEY: it can sign nothing else. */
const DERIVATION_LABEL = "rappit approval-token signing key v1";

export interface ApprovalKeys {
  current: Uint8Array;
  old: Uint8Array | null;
}

export interface ApprovalClaims {
  jti: string;
  shop: string;
  approval: string;
  email: string;
  exp: number;
  iat: number;
}

let memo: { fingerprint: string; keys: ApprovalKeys } | undefined;

/**
 * The signing keys. Read from the environment each time (memoized on its values) rather
 * than from the once-parsed config, so a rotation applies where the environment changes.
 * Production requires APPROVAL_TOKEN_SECRET (checked at start-up by getConfig).
 */
export function approvalKeys(env: Record<string, string | undefined> = process.env): ApprovalKeys {
  const fingerprint = createHash("sha256")
    .update([env.APPROVAL_TOKEN_SECRET, env.APPROVAL_TOKEN_SECRET_OLD, env.ENCRYPTION_KEY].map((v) => v ?? "").join("\u0000"))
    .digest("hex");
  if (memo?.fingerprint === fingerprint) return memo.keys;
  const parsed = parseConfigSubset(env, ["APPROVAL_TOKEN_SECRET", "APPROVAL_TOKEN_SECRET_OLD", "ENCRYPTION_KEY", "NODE_ENV"]);
  let current: Uint8Array;
  if (parsed.APPROVAL_TOKEN_SECRET) current = Buffer.from(parsed.APPROVAL_TOKEN_SECRET, "utf8");
  else if (parsed.NODE_ENV === "production") throw new Error("APPROVAL_TOKEN_SECRET is required in production");
  else current = new Uint8Array(hkdfSync("sha256", parseKey(parsed.ENCRYPTION_KEY, "ENCRYPTION_KEY").bytes, Buffer.alloc(0), DERIVATION_LABEL, 32));
  const keys = { current, old: parsed.APPROVAL_TOKEN_SECRET_OLD ? Buffer.from(parsed.APPROVAL_TOKEN_SECRET_OLD, "utf8") : null };
  memo = { fingerprint, keys };
  return keys;
}

const issuer = () => new URL(getConfig().SHOPIFY_APP_URL).origin;

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export interface MintOptions {
  shopDomain: string;
  approvalId: string;
  email: string;
  /** Defaults to APPROVAL_TOKEN_TTL_HOURS. */
  ttlSeconds?: number;
  /** The issue time (tests: a link minted in the past). */
  now?: Date;
  keys?: ApprovalKeys;
}

/** Signs a new token and stores its jti, hash and expiry. The caller puts it in the email, never in the database. */
export async function mintApprovalToken(db: ShopDatabase, options: MintOptions): Promise<{ token: string; jti: string; expiresAt: Date }> {
  const jti = randomUUID();
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = iat + (options.ttlSeconds ?? getConfig().APPROVAL_TOKEN_TTL_HOURS * 3600);
  const email = options.email.trim().toLowerCase();
  const token = await new SignJWT({ shop: options.shopDomain, approval: options.approvalId, email })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setIssuer(issuer())
    .setAudience(APPROVAL_TOKEN_AUDIENCE)
    .sign((options.keys ?? approvalKeys()).current);
  const expiresAt = new Date(exp * 1000);
  await db.approvalToken.create({
    data: { id: jti, shopId: db.$shopId(), approvalId: options.approvalId, email, tokenHash: hashToken(token), expiresAt },
  });
  return { token, jti, expiresAt };
}

const claimString = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : null);

async function verifyWith(token: string, key: Uint8Array) {
  return jwtVerify(token, key, { algorithms: [ALGORITHM], audience: APPROVAL_TOKEN_AUDIENCE, issuer: issuer(), requiredClaims: ["jti", "exp", "iat"] });
}

/**
 * Checks signature (current secret, then the old one), algorithm, audience, issuer and
 * expiry. Pure: reads no database row and changes nothing (the GET page uses it too).
 * Throws InvalidApprovalTokenError (400) or ExpiredApprovalTokenError (410).
 */
export async function verifyApprovalToken(token: string, keys: ApprovalKeys = approvalKeys()): Promise<ApprovalClaims> {
  if (token.length > 4096 || token.split(".").length !== 3) throw new InvalidApprovalTokenError();
  const candidates = [keys.current, ...(keys.old ? [keys.old] : [])];
  for (const key of candidates) {
    try {
      const { payload } = await verifyWith(token, key);
      const claims = {
        jti: claimString(payload.jti),
        shop: claimString(payload.shop),
        approval: claimString(payload.approval),
        email: claimString(payload.email),
      };
      if (!claims.jti || !claims.shop || !claims.approval || !claims.email) throw new InvalidApprovalTokenError();
      return { jti: claims.jti, shop: claims.shop, approval: claims.approval, email: claims.email, exp: payload.exp!, iat: payload.iat! };
    } catch (error) {
      // Only a signature that does not match this key is worth trying on the next one.
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      if (error instanceof joseErrors.JWTExpired) throw new ExpiredApprovalTokenError();
      if (error instanceof InvalidApprovalTokenError) throw error;
      throw new InvalidApprovalTokenError();
    }
  }
  throw new InvalidApprovalTokenError();
}

/** The deep link into the embedded app: Shopify's admin host, never one derived from a request. */
export function approvalLink(shopDomain: string, approvalId: string, token: string): string {
  const store = shopDomain.replace(/\.myshopify\.com$/, "");
  const handle = getConfig().SHOPIFY_APP_HANDLE;
  return `https://admin.shopify.com/store/${encodeURIComponent(store)}/apps/${handle}/app/approvals/${encodeURIComponent(approvalId)}?t=${encodeURIComponent(token)}`;
}
