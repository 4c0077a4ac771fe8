// Per-row checks that need no database: the SKU is present and not too long, the
// quantity a whole number PostgreSQL can store. Set-based checks (unknown SKU,
// duplicates) run in SQL on the staged rows.
import { MAX_AVAILABLE, MAX_SKU_LENGTH } from "./import-limits";
import type { SourceRow, StagedRow } from "./import-types";

const DIGITS = /^\d+$/;

function skuOf(value: unknown): { sku: string; problem: string | null } {
  // JSON files sometimes carry numeric SKUs; they mean the same text.
  if (typeof value === "number" && Number.isInteger(value)) return { sku: String(value), problem: null };
  if (value === undefined || value === null) return { sku: "", problem: "SKU is missing" };
  if (typeof value !== "string") return { sku: "", problem: "SKU must be text" };
  const sku = value.trim();
  if (sku === "") return { sku, problem: "SKU is empty" };
  if (sku.length > MAX_SKU_LENGTH) return { sku, problem: `SKU is longer than ${MAX_SKU_LENGTH} characters` };
  return { sku, problem: null };
}

function shown(value: unknown): string {
  const text = typeof value === "string" ? value : String(JSON.stringify(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function availableOf(value: unknown): { available: number | null; problem: string | null } {
  if (value === undefined || value === null) return { available: null, problem: "available is missing" };
  const notWhole = { available: null, problem: `available must be a whole number of 0 or more (got ${shown(value)})` };
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) return notWhole;
    if (value > MAX_AVAILABLE) return { available: null, problem: `available is larger than ${MAX_AVAILABLE.toLocaleString("en-US")}` };
    return { available: value, problem: null };
  }
  if (typeof value !== "string") return notWhole;
  const text = value.trim();
  if (text === "") return { available: null, problem: "available is empty" };
  if (!DIGITS.test(text)) return notWhole;
  // Compared as a number only once it is known to be digits, so "1e3" or "0x10" never pass.
  if (text.replace(/^0+(?=\d)/, "").length > 10 || Number(text) > MAX_AVAILABLE) {
    return { available: null, problem: `available is larger than ${MAX_AVAILABLE.toLocaleString("en-US")}` };
  }
  return { available: Number(text), problem: null };
}

function titleOf(value: unknown): { title: string | null; problem: string | null } {
  // A blank title cell leaves the title as it is: spreadsheets export empty cells for "no change".
  if (value === undefined || value === null) return { title: null, problem: null };
  if (typeof value === "number") return { title: String(value), problem: null };
  if (typeof value !== "string") return { title: null, problem: "title must be text" };
  const title = value.trim();
  return { title: title === "" ? null : title, problem: null };
}

export function validateRow(row: SourceRow): StagedRow {
  const sku = skuOf(row.sku);
  if (row.problem) return { line: row.line, sku: sku.sku, available: null, title: null, problem: row.problem, skuValid: false };
  const available = availableOf(row.available);
  const title = titleOf(row.title);
  const problems = [sku.problem, available.problem, title.problem].filter((p): p is string => p !== null);
  return {
    line: row.line,
    sku: sku.sku,
    available: available.available,
    title: title.title,
    problem: problems.length > 0 ? problems.join("; ") : null,
    skuValid: sku.problem === null,
  };
}
