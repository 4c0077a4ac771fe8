// The rows of a stock file in either format, validated one by one.
import { readCsvRows } from "./csv-rows";
import type { ByteSource, ImportFormat, StagedRow } from "./import-types";
import { readJsonRows } from "./json-rows";
import { validateRow } from "./row-validation";

export async function* readStagedRows(source: ByteSource, format: ImportFormat): AsyncGenerator<StagedRow> {
  const rows = format === "CSV" ? readCsvRows(source) : readJsonRows(source);
  for await (const row of rows) yield validateRow(row);
}

/** Data rows in the file (the job's progress bar needs the total before it starts). */
export async function countRows(source: ByteSource, format: ImportFormat): Promise<number> {
  let count = 0;
  for await (const _row of format === "CSV" ? readCsvRows(source) : readJsonRows(source)) count += 1;
  return count;
}

/** Buffer slices, so a stored file is read like an upload: in pieces, with progress. */
export async function* bufferSource(content: Uint8Array, sliceBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < content.length; offset += sliceBytes) yield content.subarray(offset, offset + sliceBytes);
}
