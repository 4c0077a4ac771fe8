// Every column that holds ciphertext, so key rotation can find them all.
// A feature that stores a secret adds its column here (and a test proves the
// column never holds plaintext).

/** Associated data that binds a ciphertext to one row and field. */
export function rowBinding(table: string, rowId: string, column: string): string {
  return `${table}:${rowId}:${column}`;
}

export interface EncryptedColumn {
  table: string;
  column: string;
  /** How the row names its shop, for the audit trail of a rotation. */
  shop: { column: string; kind: "domain" | "id" };
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: "Session", column: "accessToken", shop: { column: "shop", kind: "domain" } },
  { table: "Session", column: "refreshToken", shop: { column: "shop", kind: "domain" } },
  { table: "Channel", column: "credentials", shop: { column: "shopId", kind: "id" } },
  { table: "Channel", column: "webhookSecret", shop: { column: "shopId", kind: "id" } },
  { table: "ShippingAccount", column: "credentials", shop: { column: "shopId", kind: "id" } },
];
