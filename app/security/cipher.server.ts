// The process's Cipher, built from ENCRYPTION_KEY and ENCRYPTION_KEYS_OLD.
// Only services decrypt: routes, logs and job payloads never see plaintext secrets.
import { getConfig } from "../config/env.server";
import { Cipher, parseKey } from "./encryption";

let cipher: Cipher | undefined;

export function getCipher(): Cipher {
  if (!cipher) {
    const config = getConfig();
    const retired = (config.ENCRYPTION_KEYS_OLD?.split(",") ?? []).map((text, index) =>
      parseKey(text, `retired key #${index + 1}`),
    );
    cipher = new Cipher(parseKey(config.ENCRYPTION_KEY, "ENCRYPTION_KEY"), retired);
  }
  return cipher;
}
