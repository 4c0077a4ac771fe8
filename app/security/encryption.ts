// AES-256-GCM for secrets at rest. Every value gets a random 96-bit IV and is
// sealed under the current key; the stored form names that key, so keys rotate
// without a flag day: retired keys still open old values until `npm run keys:rotate`
// re-seals them. Optional associated data binds a value to its row and field, so
// a ciphertext copied into another row (or shop) does not open.
//
// Stored form: enc:v1:<key id>:<iv>:<ciphertext>:<tag>  (base64url parts)
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "enc";
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type DecryptionFailure = "malformed" | "unknown-key" | "tampered";

export class DecryptionError extends Error {
  readonly reason: DecryptionFailure;
  constructor(reason: DecryptionFailure, detail: string) {
    super(`Cannot decrypt value (${reason}): ${detail}`);
    this.name = "DecryptionError";
    this.reason = reason;
  }
}

export class InvalidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidKeyError";
  }
}

export interface EncryptionKey {
  id: string;
  bytes: Buffer;
}

/** A 32-byte key written as 64 hex characters or as base64 (standard or url-safe). */
export function parseKey(text: string, name = "key"): EncryptionKey {
  const trimmed = text.trim();
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    bytes = Buffer.from(trimmed, "hex");
  } else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  } else {
    throw new InvalidKeyError(
      `${name} must be 32 bytes, written as 64 hex characters or 44 base64 characters ` +
        "(generate one with `openssl rand -base64 32`)",
    );
  }
  if (bytes.length !== 32) throw new InvalidKeyError(`${name} must decode to 32 bytes, got ${bytes.length}`);
  return { id: keyIdOf(bytes), bytes };
}

/** Names a key without revealing it: the first 8 hex digits of its SHA-256. */
export function keyIdOf(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 8);
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(`${PREFIX}:${VERSION}:`);
}

/** The id of the key that sealed `value`, or null when it is not one of ours. */
export function keyIdOfCiphertext(value: string): string | null {
  const parts = value.split(":");
  return parts.length === 6 && parts[0] === PREFIX && parts[1] === VERSION ? parts[2] : null;
}

export class Cipher {
  readonly currentKeyId: string;
  private readonly current: EncryptionKey;
  private readonly keys: Map<string, EncryptionKey>;

  constructor(current: EncryptionKey, retired: EncryptionKey[] = []) {
    this.current = current;
    this.currentKeyId = current.id;
    this.keys = new Map([...retired, current].map((key) => [key.id, key]));
  }

  encrypt(plaintext: string, associatedData?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.bytes, iv, { authTagLength: TAG_BYTES });
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, VERSION, this.current.id, iv.toString("base64url"), body.toString("base64url"), tag.toString("base64url")].join(":");
  }

  decrypt(stored: string, associatedData?: string): string {
    const parts = stored.split(":");
    if (parts.length !== 6 || parts[0] !== PREFIX || parts[1] !== VERSION) {
      throw new DecryptionError("malformed", "not an encrypted value");
    }
    const [, , keyId, ivText, bodyText, tagText] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError("unknown-key", `sealed with key ${keyId}, which is neither current nor retired`);
    const iv = Buffer.from(ivText, "base64url");
    const tag = Buffer.from(tagText, "base64url");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new DecryptionError("malformed", "wrong IV or tag length");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.bytes, iv, { authTagLength: TAG_BYTES });
      if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // GCM cannot tell a flipped bit from a value moved to another row: both fail the tag.
      throw new DecryptionError("tampered", "authentication failed (altered, or bound to another row)");
    }
  }

  /** True when `stored` is sealed under a retired key and should be re-encrypted. */
  needsRotation(stored: string): boolean {
    const keyId = keyIdOfCiphertext(stored);
    return keyId !== null && keyId !== this.currentKeyId;
  }
}
