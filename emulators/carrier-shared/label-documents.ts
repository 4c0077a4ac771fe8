// Label documents small enough to keep in memory yet real enough to open: a
// one-page 4x6 PDF with a valid xref table, ZPL II and EPL2 text, a 1x1 PNG.

/** A 4x6 in (288x432 pt) PDF page showing `lines` in Helvetica. */
export function pdfLabel(lines: string[]): Buffer {
  // PDF string literals: ASCII only here, so byte offsets equal string lengths.
  const safe = (line: string) => line.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);
  const content = lines.map((line, i) => `BT /F1 14 Tf 18 ${400 - i * 22} Td (${safe(line)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

export function zplLabel(lines: string[], barcode: string): Buffer {
  const fields = lines.map((line, i) => `^FO40,${40 + i * 50}^A0N,36,36^FD${line.replace(/[\^~]/g, " ")}^FS`).join("\n");
  return Buffer.from(`^XA\n${fields}\n^FO40,700^BY3^BCN,160,Y,N,N^FD${barcode}^FS\n^XZ\n`, "utf8");
}

export function eplLabel(lines: string[], barcode: string): Buffer {
  const fields = lines.map((line, i) => `A40,${40 + i * 50},0,4,1,1,N,"${line.replace(/"/g, "'")}"`).join("\n");
  return Buffer.from(`\nN\n${fields}\nB40,700,0,1,3,7,160,B,"${barcode}"\nP1\n`, "utf8");
}

/** A valid 1x1 PNG: enough for "is this an image" checks. */
export const PNG_LABEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
