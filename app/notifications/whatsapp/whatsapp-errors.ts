// Meta Graph API error bodies ({error:{message,type,code,error_subcode,fbtrace_id}}),
// normalised once: the code, Meta's words, and whether trying again later can help.
export class WhatsappError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly httpStatus: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "WhatsappError";
  }
}

// Codes where waiting helps: throughput (130429), pair rate to one user (131056),
// app/account rate limits (4, 80007), temporary errors (1, 2, 131000 something went wrong, 131016 service unavailable).
const RETRYABLE_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056]);

const HINTS: Readonly<Record<number, string>> = {
  190: "the access token is invalid or expired; renew WHATSAPP_TOKEN",
  10: "the token lacks whatsapp_business_messaging permission",
  100: "invalid parameter",
  131030: "the recipient is not on the allowed list of this test number",
  131026: "the message could not be delivered to this number",
  130429: "throughput limit reached; will try again later",
  131056: "too many messages to this buyer in a short time; will try again later",
  132000: "the parameters do not match the template's placeholders",
  132001: "the template does not exist in this language (or is not approved)",
  132015: "the template is paused for low quality",
  132016: "the template is disabled",
  368: "the business account is restricted for policy violations",
};

interface GraphErrorBody {
  error?: { message?: unknown; type?: unknown; code?: unknown; error_subcode?: unknown; fbtrace_id?: unknown };
}

export function whatsappErrorFrom(status: number, body: unknown): WhatsappError {
  const graph = (body && typeof body === "object" ? (body as GraphErrorBody).error : undefined) ?? {};
  const code = typeof graph.code === "number" ? graph.code : null;
  const metaMessage = typeof graph.message === "string" ? graph.message : `HTTP ${status}`;
  const hint = code !== null ? HINTS[code] : undefined;
  const retryable = status >= 500 || status === 429 || (code !== null && RETRYABLE_CODES.has(code));
  const label = code !== null ? `WhatsApp error ${code}` : `WhatsApp HTTP ${status}`;
  return new WhatsappError(`${label}: ${metaMessage}${hint ? ` (${hint})` : ""}`, code, status, retryable);
}
