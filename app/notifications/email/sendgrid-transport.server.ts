// SendGrid v3 Mail Send: POST {origin}/v3/mail/send with the API key as a bearer token.
// 202 means accepted (queued at SendGrid); the message id is the X-Message-Id header.
// Errors are mapped once, here, to EmailSendError with SendGrid's own first message.
import { randomUUID } from "node:crypto";
import type { Sender } from "./email-settings";
import { EmailSendError } from "./email-errors";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SendgridSettings {
  origin: string;
  apiKey: string;
  timeoutMs: number;
}

/** The v3 body: text/plain must come before text/html. */
export function sendgridBody(from: Sender, email: OutgoingEmail) {
  return {
    personalizations: [{ to: [{ email: email.to }] }],
    from: from.name ? { email: from.email, name: from.name } : { email: from.email },
    subject: email.subject,
    content: [
      { type: "text/plain", value: email.text },
      { type: "text/html", value: email.html },
    ],
  };
}

function firstErrorMessage(body: unknown): string | null {
  if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
    const first = (body as { errors: Array<{ message?: unknown; field?: unknown }> }).errors[0];
    if (first && typeof first.message === "string") {
      return typeof first.field === "string" && first.field ? `${first.message} (${first.field})` : first.message;
    }
  }
  return null;
}

function errorFor(status: number, body: unknown): EmailSendError {
  const detail = firstErrorMessage(body);
  const say = (text: string) => (detail ? `${text}: ${detail}` : text);
  if (status === 400) return new EmailSendError("SENDGRID", say("400 the request was refused as invalid"), false, status);
  if (status === 401) return new EmailSendError("SENDGRID", say("401 the API key was refused; check SENDGRID_API_KEY"), false, status);
  if (status === 403) return new EmailSendError("SENDGRID", say("403 forbidden; is EMAIL_FROM a verified sender identity and does the key have Mail Send access?"), false, status);
  if (status === 413) return new EmailSendError("SENDGRID", say("413 the message is too large"), false, status);
  if (status === 429) return new EmailSendError("SENDGRID", say("429 rate limited; will try again later"), true, status);
  if (status >= 500) return new EmailSendError("SENDGRID", say(`${status} SendGrid is unavailable`), true, status);
  return new EmailSendError("SENDGRID", say(`unexpected answer ${status}`), status >= 408, status);
}

export async function sendWithSendgrid(settings: SendgridSettings, from: Sender, email: OutgoingEmail): Promise<{ providerMessageId: string }> {
  let response: Response;
  try {
    response = await fetch(`${settings.origin}/v3/mail/send`, {
      method: "POST",
      headers: { Authorization: `Bearer ${settings.apiKey}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(sendgridBody(from, email)),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut ? `no answer within ${settings.timeoutMs} ms` : `could not reach ${new URL(settings.origin).host}`;
    throw new EmailSendError("SENDGRID", reason, true);
  }
  const text = await response.text().catch(() => "");
  if (response.status === 202 || response.status === 200) {
    // Sandbox mode answers 200 without an id; keep a local one so the row still has a reference.
    return { providerMessageId: response.headers.get("x-message-id") ?? `sendgrid-${randomUUID()}` };
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  throw errorFor(response.status, body);
}
