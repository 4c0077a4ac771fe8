// Just enough MIME to read what nodemailer composes: headers (unfolded, RFC 2047 words
// decoded), multipart bodies (nested), and the 7bit / quoted-printable / base64 encodings.
// Returns the headers, the text/plain and text/html parts. Not a general mail parser.

export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  from: string;
  to: string[];
  text: string | null;
  html: string | null;
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

function decodeWords(value: string): string {
  // Adjacent encoded words are joined without the whitespace between them.
  return value
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
      return new TextDecoder(charset.toLowerCase() === "utf-8" ? "utf-8" : charset).decode(bytes);
    });
}

function splitPart(raw: string): Part {
  const index = raw.search(/\r?\n\r?\n/);
  const head = index === -1 ? raw : raw.slice(0, index);
  const body = index === -1 ? "" : raw.slice(index).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`${name}="?([^";]+)"?`, "i").exec(header ?? "");
  return match?.[1];
}

function decodeBody(part: Part): string {
  const encoding = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const charset = param(part.headers["content-type"], "charset") ?? "utf-8";
  let bytes: Buffer;
  if (encoding === "base64") bytes = Buffer.from(part.body.replace(/\s+/g, ""), "base64");
  else if (encoding === "quoted-printable") {
    const text = part.body.replace(/=\r?\n/g, "");
    const out: number[] = [];
    for (let i = 0; i < text.length; i += 1) {
      if (text[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(...Buffer.from(text[i], "utf8"));
    }
    bytes = Buffer.from(out);
  } else bytes = Buffer.from(part.body, "utf8");
  return new TextDecoder(charset.toLowerCase()).decode(bytes).replace(/\r\n/g, "\n").replace(/\n$/, "");
}

function leaves(part: Part): Part[] {
  const type = part.headers["content-type"] ?? "text/plain";
  if (!/^multipart\//i.test(type)) return [part];
  const boundary = param(type, "boundary");
  if (!boundary) return [];
  const sections = part.body.split(`--${boundary}`);
  // The first section is the preamble, the last (after "--boundary--") the epilogue.
  return sections
    .slice(1)
    .filter((section) => !section.startsWith("--"))
    .flatMap((section) => leaves(splitPart(section.replace(/^\r?\n/, ""))));
}

const addresses = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => (/<([^>]+)>/.exec(item)?.[1] ?? item).trim())
    .filter(Boolean);

export function parseMail(raw: string): ParsedMail {
  const root = splitPart(raw);
  const parts = leaves(root);
  const of = (type: string) => {
    const part = parts.find((candidate) => (candidate.headers["content-type"] ?? "text/plain").toLowerCase().startsWith(type));
    return part ? decodeBody(part) : null;
  };
  return {
    headers: root.headers,
    subject: root.headers.subject ?? "",
    from: addresses(root.headers.from)[0] ?? "",
    to: addresses(root.headers.to),
    text: of("text/plain"),
    html: of("text/html"),
  };
}
