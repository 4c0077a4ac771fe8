import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Cipher, DecryptionError, keyIdOfCiphertext, parseKey } from "~/security/encryption";

const keyA = parseKey(randomBytes(32).toString("hex"));
const keyB = parseKey(randomBytes(32).toString("base64"));
const secret = "token-value-that-must-stay-secret";

function failure(run: () => unknown): DecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error("expected a DecryptionError");
}

/** Flips one bit of the part at `index` (3 iv, 4 body, 5 tag) of a stored value. */
function flip(stored: string, index: number): string {
  const parts = stored.split(":");
  const bytes = Buffer.from(parts[index], "base64url");
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString("base64url");
  return parts.join(":");
}

describe("Cipher (AES-256-GCM)", () => {
  const cipher = new Cipher(keyA);

  it("round-trips and never stores the plaintext", () => {
    const stored = cipher.encrypt(secret);
    expect(stored).not.toContain(secret);
    expect(stored.startsWith(`enc:v1:${keyA.id}:`)).toBe(true);
    expect(cipher.decrypt(stored)).toBe(secret);
  });

  it("uses a fresh 96-bit IV for every value", () => {
    const values = Array.from({ length: 50 }, () => cipher.encrypt(secret));
    expect(new Set(values).size).toBe(50);
    const iv = Buffer.from(values[0].split(":")[3], "base64url");
    expect(iv.length).toBe(12);
  });

  it("handles empty and non-ASCII text", () => {
    expect(cipher.decrypt(cipher.encrypt(""))).toBe("");
    expect(cipher.decrypt(cipher.encrypt("مرحبا 🌍"))).toBe("مرحبا 🌍");
  });

  it.each([
    ["iv", 3],
    ["ciphertext", 4],
    ["auth tag", 5],
  ])("refuses a value whose %s was altered", (_part, index) => {
    const stored = cipher.encrypt(secret);
    expect(failure(() => cipher.decrypt(flip(stored, index))).reason).toBe("tampered");
  });

  it("binds a value to its row: other associated data does not decrypt it", () => {
    const stored = cipher.encrypt(secret, "shop:A:wooConsumerSecret");
    expect(cipher.decrypt(stored, "shop:A:wooConsumerSecret")).toBe(secret);
    expect(failure(() => cipher.decrypt(stored, "shop:B:wooConsumerSecret")).reason).toBe("tampered");
    expect(failure(() => cipher.decrypt(stored)).reason).toBe("tampered");
  });

  it("refuses a value sealed with a key it does not hold", () => {
    const other = new Cipher(keyB);
    const error = failure(() => cipher.decrypt(other.encrypt(secret)));
    expect(error.reason).toBe("unknown-key");
    expect(error.message).toContain(keyB.id);
  });

  it("refuses text that is not an encrypted value", () => {
    expect(failure(() => cipher.decrypt("shpat_plaintext")).reason).toBe("malformed");
    expect(failure(() => cipher.decrypt("enc:v1:abc:def")).reason).toBe("malformed");
  });

  it("rotates: retired keys still decrypt, new values use the current key", () => {
    const old = new Cipher(keyA);
    const storedUnderA = old.encrypt(secret, "row-1");
    const rotated = new Cipher(keyB, [keyA]);
    expect(rotated.decrypt(storedUnderA, "row-1")).toBe(secret);
    expect(rotated.needsRotation(storedUnderA)).toBe(true);
    const resealed = rotated.encrypt(secret, "row-1");
    expect(keyIdOfCiphertext(resealed)).toBe(keyB.id);
    expect(rotated.needsRotation(resealed)).toBe(false);
    // Once the retired key is gone, old values fail loudly instead of giving garbage.
    expect(failure(() => new Cipher(keyB).decrypt(storedUnderA, "row-1")).reason).toBe("unknown-key");
  });
});

describe("parseKey", () => {
  it("gives the same key id for the same bytes in hex and base64", () => {
    const bytes = randomBytes(32);
    expect(parseKey(bytes.toString("hex")).id).toBe(parseKey(bytes.toString("base64")).id);
    expect(parseKey(bytes.toString("hex")).id).toMatch(/^[0-9a-f]{8}$/);
  });

  it("refuses keys of the wrong length", () => {
    expect(() => parseKey(randomBytes(16).toString("hex"))).toThrow(/must be 32 bytes/);
    expect(() => parseKey("correct horse battery staple")).toThrow(/must be 32 bytes/);
  });
});
