// The audit actions in the plan. Plain module: the activity page's filter uses it in the browser.
export const AUDIT_ACTIONS = [
  "CHANNEL_CONNECTED",
  "CHANNEL_DISCONNECTED",
  "TOKEN_REFRESHED",
  "TOKEN_REFRESH_FAILED",
  "CARRIER_CONNECTED",
  "CARRIER_DISCONNECTED",
  "ORDER_STATUS_CHANGED",
  "ORDER_APPROVED",
  "ORDER_REJECTED",
  "JOB_REPLAYED",
  "JOB_DISCARDED",
  "KEYS_ROTATED",
  "APP_UNINSTALLED",
  "SHOP_REDACTED",
  "CUSTOMER_DATA_REQUESTED",
  "CUSTOMER_REDACTED",
  "INVENTORY_IMPORTED",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
