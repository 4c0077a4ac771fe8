// CSV rows from a byte stream (csv-parse): a header row naming at least `sku` and
// `available` (any order, any case; `title` optional, other columns ignored), BOM,
// CRLF and quoted fields handled. One record at a time, so memory stays flat.
import { pipeline } from "node:stream/promises";
import { parse, type Parser } from "csv-parse";
import { UnreadableFileError } from "./import-errors";
import { MAX_RECORD_BYTES } from "./import-limits";
import type { ByteSource, SourceRow } from "./import-types";

interface Columns {
  sku: number;
  available: number;
  title: number;
}

function columnsOf(header: string[]): Columns {
  const names = header.map((name) => name.trim().toLowerCase());
  const index = (name: string) => names.indexOf(name);
  const missing = ["sku", "available"].filter((name) => index(name) < 0);
  if (missing.length > 0) {
    throw new UnreadableFileError(
      `The header row (line 1) must name the columns "sku" and "available"; missing: ${missing.join(", ")} (found: ${names.filter(Boolean).join(", ") || "nothing"}).`,
    );
  }
  for (const name of ["sku", "available", "title"]) {
    if (names.filter((n) => n === name).length > 1) throw new UnreadableFileError(`The header row names the column "${name}" twice.`);
  }
  return { sku: index("sku"), available: index("available"), title: index("title") };
}

/**
 * Line breaks in a record's raw text, so each row is reported at the line it starts on
 * even after quoted multi-line fields. csv-parse's own line counter counts a quoted
 * CRLF twice, and its raw text of a CRLF record ends at the CR: a CR, an LF or a CRLF
 * split across two records each count once.
 */
function lineBreaks(raw: string, afterCr: boolean): { breaks: number; endsWithCr: boolean } {
  let breaks = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 13) breaks += 1;
    else if (c === 10 && !(i === 0 ? afterCr : raw.charCodeAt(i - 1) === 13)) breaks += 1;
  }
  return { breaks, endsWithCr: raw.charCodeAt(raw.length - 1) === 13 };
}

function unreadable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("CSV_")) return error;
  const line = (error as { lines?: number }).lines;
  const hint = code === "CSV_MAX_RECORD_SIZE" ? ` (a record over ${MAX_RECORD_BYTES / 1024} KB: most often a quote that is never closed)` : "";
  return new UnreadableFileError(`The file is not valid CSV${line ? ` near line ${line}` : ""}: ${(error as Error).message}${hint}`);
}

export async function* readCsvRows(source: ByteSource): AsyncGenerator<SourceRow> {
  // Every line ending, even mixed in one file (a row pasted from another editor).
  const parser: Parser = parse({ bom: true, relax_column_count: true, raw: true, max_record_size: MAX_RECORD_BYTES, record_delimiter: ["\r\n", "\n", "\r"] });
  // The parser's iterator reports the feed's errors too (pipeline destroys it with them);
  // this catch only keeps an early stop by the consumer from surfacing as unhandled.
  const feeding = pipeline(source, parser).catch(() => undefined);
  let columns: Columns | undefined;
  let line = 1;
  let afterCr = false;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const at = line;
      const counted = lineBreaks(raw, afterCr);
      line += counted.breaks;
      afterCr = counted.endsWithCr;
      if (!columns) {
        columns = columnsOf(record);
        continue;
      }
      // Blank lines, and the all-empty rows spreadsheets leave at the end (",,,"), are not rows.
      if (record.every((field) => field.trim() === "")) continue;
      yield {
        line: at,
        sku: record[columns.sku],
        available: record[columns.available],
        title: columns.title >= 0 ? record[columns.title] : undefined,
      };
    }
  } catch (error) {
    throw unreadable(error);
  } finally {
    parser.destroy();
    await feeding;
  }
  if (!columns) throw new UnreadableFileError('The file is empty: a CSV import needs a header row such as "sku,available,title".');
}
