// The set-based checks on the staged file: rows the parser already found bad, SKUs
// this shop does not have, and SKUs the file names twice (each later line points at
// the first). One row of the report per bad line, its reasons joined, by line.
import type { PgClient } from "../../db/pg-transaction.server";
import type { RowError } from "./import-types";
import { STAGE_TABLE } from "./staging.server";

const BAD_ROWS = `
SELECT s.line, s.sku,
       concat_ws('; ',
         s.problem,
         CASE WHEN s.sku_valid AND i.id IS NULL THEN 'unknown SKU: this shop has no inventory item with this SKU' END,
         CASE WHEN s.sku_valid AND f.first_line < s.line THEN 'duplicate of line ' || f.first_line END) AS reason
  FROM ${STAGE_TABLE} s
  LEFT JOIN "InventoryItem" i ON i."shopId" = $1 AND i.sku = s.sku AND s.sku_valid
  LEFT JOIN (SELECT sku, min(line) AS first_line FROM ${STAGE_TABLE} WHERE sku_valid GROUP BY sku) f
         ON f.sku = s.sku AND s.sku_valid
 WHERE s.problem IS NOT NULL OR (s.sku_valid AND (i.id IS NULL OR f.first_line < s.line))
 ORDER BY s.line`;

/** Every bad row of the staged file, sorted by line; empty when the file can be applied. */
export async function findBadRows(client: PgClient, shopId: string): Promise<RowError[]> {
  const { rows } = await client.query<RowError>(BAD_ROWS, [shopId]);
  return rows;
}
