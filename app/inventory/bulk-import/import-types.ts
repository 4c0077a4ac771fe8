// The shapes a stock file passes through: bytes in, source rows out of a parser,
// staged rows after validation, and the report an invalid file gets back.

export type ImportFormat = "CSV" | "JSON";

/** A file's bytes as they arrive: a Node Readable, a web stream's chunks, a Buffer cut in slices. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/** One data row as the parser read it, values not yet checked. */
export interface SourceRow {
  /** CSV: the file's line (the header is line 1). JSON: the element's index + 1. */
  line: number;
  sku: unknown;
  available: unknown;
  title: unknown;
  /** Set when the row could not even be read as a row (a JSON element that is no object). */
  problem?: string;
}

/** A row ready for the staging table: valid values, or the reason it is not. */
export interface StagedRow {
  line: number;
  sku: string;
  available: number | null;
  title: string | null;
  problem: string | null;
  /** False when the SKU itself is bad: then it is not looked up nor compared for duplicates. */
  skuValid: boolean;
}

/** One entry of the consolidated error report. */
export interface RowError {
  line: number;
  sku: string;
  reason: string;
}
