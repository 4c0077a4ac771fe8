// The Shopify webhook topics Rappit subscribes to app-wide in shopify.app*.toml (a unit
// test keeps this list and the three files equal). The compliance topics are left out:
// Shopify sends them to every app and they are not per-shop subscriptions.
export const SUBSCRIBED_TOPICS = [
  "app/scopes_update",
  "app/uninstalled",
  "inventory_levels/update",
  "orders/cancelled",
  "orders/create",
  "orders/updated",
  "refunds/create",
] as const;
