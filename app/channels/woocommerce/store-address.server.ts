// Validates the store address a merchant types before we send them (and later our
// requests) there: https, and a host on the public internet (SSRF guard).
import { UnsafeAddressError, assertPublicHost } from "../../security/public-address.server";
import { normalizeStoreUrl } from "./settings";

export type StoreAddressCheck = { ok: true; url: string } | { ok: false; message: string };

export async function checkStoreAddress(input: string, options: { allowInsecure: boolean }): Promise<StoreAddressCheck> {
  const normalized = normalizeStoreUrl(input);
  if (!normalized.ok) return normalized;
  const url = new URL(normalized.url);
  // The development setting lets the emulator (http, loopback) through; nothing else does.
  if (options.allowInsecure) return normalized;
  if (url.protocol !== "https:") {
    return { ok: false, message: "The store address must start with https://: WooCommerce sends its API keys only over a secure connection." };
  }
  try {
    await assertPublicHost(url.hostname);
  } catch (error) {
    if (error instanceof UnsafeAddressError) {
      return {
        ok: false,
        message: `${url.hostname} points to a private or local network address (${error.address}). Rappit can only connect stores on the public internet.`,
      };
    }
    return { ok: false, message: `${url.hostname} could not be found. Check the store's address and try again.` };
  }
  return normalized;
}
