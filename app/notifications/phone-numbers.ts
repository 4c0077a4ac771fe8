// Buyer phone numbers to E.164 digits (country code first, no "+"), as WhatsApp wants them.
// Pure. A national number (leading trunk 0) needs the shipping country to know its code.

// Calling codes of the countries Rappit's merchants ship to most; others need "+".
const CALLING_CODES: Readonly<Record<string, string>> = {
  US: "1", CA: "1", MX: "52", BR: "55", AR: "54", CO: "57", CL: "56", PE: "51",
  GB: "44", IE: "353", FR: "33", DE: "49", ES: "34", IT: "39", NL: "31", BE: "32", PT: "351", CH: "41", AT: "43",
  SE: "46", NO: "47", DK: "45", FI: "358", PL: "48", CZ: "420", RO: "40", GR: "30", TR: "90",
  AE: "971", SA: "966", QA: "974", KW: "965", BH: "973", OM: "968", EG: "20", MA: "212", DZ: "213", TN: "216",
  NG: "234", KE: "254", ZA: "27", GH: "233", IN: "91", PK: "92", BD: "880", ID: "62", MY: "60", SG: "65",
  PH: "63", TH: "66", VN: "84", JP: "81", KR: "82", CN: "86", HK: "852", TW: "886", AU: "61", NZ: "64", IL: "972", JO: "962", LB: "961",
};

/** E.164 digits, or null when the number cannot be made international with confidence. */
export function toE164Digits(phone: string | null | undefined, countryCode?: string | null): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, "");
  let international: string | null = null;
  if (trimmed.startsWith("+")) international = digits;
  else if (digits.startsWith("00")) international = digits.slice(2);
  else {
    const code = countryCode ? CALLING_CODES[countryCode.toUpperCase()] : undefined;
    if (code && digits.startsWith(code) && digits.length > code.length + 7) international = digits;
    else if (code && digits.startsWith("0")) international = code + digits.replace(/^0+/, "");
    else if (code === "1" && digits.length === 10) international = `1${digits}`; // NANP has no trunk 0
    else if (code) international = code + digits;
  }
  if (!international || !/^[1-9]\d{7,14}$/.test(international)) return null;
  return international;
}
