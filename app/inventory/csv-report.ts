// One CSV line (RFC 4180 quoting). A cell that a spreadsheet would run as a formula
// (=, +, -, @ at the start) gets a leading apostrophe: SKUs come from uploaded files.
export function csvLine(cells: Array<string | number>): string {
  return `${cells
    .map((cell) => {
      let text = String(cell);
      if (typeof cell === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",")}\r\n`;
}
