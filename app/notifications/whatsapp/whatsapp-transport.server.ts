// WhatsApp Cloud API: POST {origin}/{version}/{phoneNumberId}/messages, bearer token.
// Answers the wamid; Meta's errors become WhatsappError (retryable or not).
import { whatsappErrorFrom, WhatsappError } from "./whatsapp-errors";
import { templateMessageBody, wamidOf, type TemplateCall } from "./whatsapp-mapping";
import type { WhatsappSettings } from "./whatsapp-settings";

export async function sendWhatsappTemplate(settings: WhatsappSettings, call: TemplateCall): Promise<{ wamid: string }> {
  const url = `${settings.origin}/${settings.version}/${settings.phoneNumberId}/messages`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${settings.token}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(templateMessageBody(call)),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new WhatsappError(
      timedOut ? `WhatsApp: no answer within ${settings.timeoutMs} ms` : `WhatsApp: could not reach ${new URL(settings.origin).host}`,
      null,
      null,
      true,
    );
  }
  const text = await response.text().catch(() => "");
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw whatsappErrorFrom(response.status, body);
  const wamid = wamidOf(body);
  // Accepted but unidentifiable: retrying could send it twice, so fail it for a person to look at.
  if (!wamid) throw new WhatsappError("WhatsApp: accepted, but the answer has no messages[0].id", null, response.status, false);
  return { wamid };
}
