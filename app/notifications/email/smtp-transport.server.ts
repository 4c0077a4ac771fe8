// SMTP through nodemailer: ONE pooled transporter per process (per SMTP_URL), reused by
// every send, so connections and TLS handshakes are shared. Closed on shutdown.
import nodemailer, { type Transporter } from "nodemailer";
import type { Sender } from "./email-settings";
import { EmailSendError } from "./email-errors";
import type { OutgoingEmail } from "./sendgrid-transport.server";

const globalForSmtp = globalThis as unknown as { __rappitSmtp?: { url: string; transporter: Transporter } };

function transporterFor(url: string, timeoutMs: number): Transporter {
  const current = globalForSmtp.__rappitSmtp;
  if (current && current.url === url) return current.transporter;
  current?.transporter.close();
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 5,
    maxMessages: 100,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // nodemailer logs nothing unless asked; keep it that way (bodies and AUTH stay out of logs).
    logger: false,
    debug: false,
  });
  globalForSmtp.__rappitSmtp = { url, transporter };
  return transporter;
}

export async function closeSmtpTransport(): Promise<void> {
  const current = globalForSmtp.__rappitSmtp;
  globalForSmtp.__rappitSmtp = undefined;
  current?.transporter.close();
}

/** SMTP reply codes: 4xx is temporary (greylisting, busy), 5xx is permanent. */
function errorFor(error: unknown): EmailSendError {
  const details = error as { responseCode?: number; code?: string; message?: string };
  const responseCode = typeof details.responseCode === "number" ? details.responseCode : null;
  if (responseCode !== null) {
    // Keep the server's reply text short; it never contains the message body.
    const reply = (details.message ?? "").replace(/\s+/g, " ").slice(0, 200);
    return new EmailSendError("SMTP", `${responseCode} ${reply}`, responseCode < 500, responseCode);
  }
  // Connection refused, timeout, TLS failure: the server may be back later.
  return new EmailSendError("SMTP", `${details.code ?? "ERROR"} ${details.message ?? String(error)}`.slice(0, 200), true);
}

export async function sendWithSmtp(
  settings: { url: string; timeoutMs: number },
  from: Sender,
  email: OutgoingEmail,
): Promise<{ providerMessageId: string }> {
  try {
    const info = await transporterFor(settings.url, settings.timeoutMs).sendMail({
      from: from.name ? { name: from.name, address: from.email } : from.email,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
    return { providerMessageId: String(info.messageId ?? "").replace(/^<|>$/g, "") };
  } catch (error) {
    throw errorFor(error);
  }
}
