// Test shops: each test makes its own, so files never share rows.
import { randomBytes } from "node:crypto";
import type { Session } from "@shopify/shopify-api";
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";

export function uniqueShopDomain(): string {
  return `test-${randomBytes(5).toString("hex")}.myshopify.com`;
}

export function offlineSession(shop: string): Session {
  return setUpValidSession({ shop, isOnline: false });
}

/** An admin user's online session (id `<shop>_<user id>`). */
export function onlineSession(shop: string): Session {
  return setUpValidSession({ shop, isOnline: true });
}
