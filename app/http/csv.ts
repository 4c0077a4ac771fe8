// CSV for the files admins download (stock import errors, message exports).
// One line per call, RFC 4180 quoting. A cell that a spreadsheet would run as a
// formula (=, +, -, @, tab or CR at the start) gets a leading apostrophe: cells
// come from uploaded files, buyers' addresses and provider error texts.
export function csvLine(cells: Array<string | number | null | undefined>): string {
  return `${cells
    .map((cell) => {
      if (cell === null || cell === undefined) return "";
      let text = String(cell);
      if (typeof cell === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",")}\r\n`;
}
