import { describe, expect, it } from "vitest";
import { readCsvRows } from "~/inventory/bulk-import/csv-rows";
import { UnreadableFileError } from "~/inventory/bulk-import/import-errors";
import type { SourceRow } from "~/inventory/bulk-import/import-types";
import { readJsonRows } from "~/inventory/bulk-import/json-rows";
import { bufferSource } from "~/inventory/bulk-import/read-rows";

// The streaming readers on their own (no database): however the bytes are cut into
// chunks (here down to one byte, splitting CRLFs, escapes and multi-byte characters),
// the rows and their line numbers are the same.

async function all(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const SLICES = [1, 2, 3, 7, 64 * 1024];

describe("JSON reader", () => {
  const elements = [
    { sku: "A]1", available: 1, title: 'brackets ] } [ { and a comma, "quoted" \\ backslash' },
    { sku: "B-2", available: "2", nested: { list: [1, [2, { deep: "]" }]], escaped: "\\\"" } },
    { sku: "Ünïcödé-€-😀", available: 3 },
    { sku: 42, available: 4 },
  ];
  const text = `\uFEFF [\n${elements.map((e) => JSON.stringify(e)).join(" ,\r\n ")}\n] \n`;

  it.each(SLICES)("reads the same rows from %i-byte chunks", async (size) => {
    const rows = await all(readJsonRows(bufferSource(Buffer.from(text), size)));
    expect(rows).toEqual(elements.map((e, i) => ({ line: i + 1, sku: e.sku, available: e.available, title: (e as { title?: string }).title })));
  });

  it("scalars and arrays as elements are rows with a problem, not a broken file", async () => {
    const rows = await all(readJsonRows(bufferSource(Buffer.from('[1, "x", null, [], {"sku":"A","available":1}]'), 2)));
    expect(rows.map((row) => [row.line, Boolean(row.problem)])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, false],
    ]);
  });

  it.each([
    ["[", /ends before the closing/],
    ['[{"sku": "A"}}', /expected , or \] after element 1/],
    ["[,]", /not valid JSON: element 1/],
    ['[{"sku": "A"} {"sku": "B"}]', /expected , or \]/],
    ["[1,,2]", /not valid JSON: element 2/],
  ])("%s is unreadable", async (file, message) => {
    await expect(all(readJsonRows(bufferSource(Buffer.from(file), 1)))).rejects.toThrow(message);
    await expect(all(readJsonRows(bufferSource(Buffer.from(file))))).rejects.toBeInstanceOf(UnreadableFileError);
  });
});

describe("CSV reader", () => {
  const text = '\uFEFFsku,Available,TITLE\r\nA-1,1,"multi\r\nline, ""quoted"""\r\n\r\nB-2,2,Ünïcödé 😀\r\n"C\n3",3\nD-4,4,\r\n';

  it.each(SLICES)("reads the same rows and start lines from %i-byte chunks", async (size) => {
    const rows = await all(readCsvRows(bufferSource(Buffer.from(text), size)));
    expect(rows).toEqual([
      { line: 2, sku: "A-1", available: "1", title: 'multi\r\nline, "quoted"' },
      { line: 5, sku: "B-2", available: "2", title: "Ünïcödé 😀" },
      { line: 6, sku: "C\n3", available: "3", title: undefined },
      { line: 8, sku: "D-4", available: "4", title: "" },
    ]);
  });

  it("a source that fails mid-file fails the read with its own error", async () => {
    async function* failing() {
      yield Buffer.from("sku,available\nA,1\n");
      throw new Error("connection reset");
    }
    await expect(all(readCsvRows(failing()))).rejects.toThrow("connection reset");
  });
});
