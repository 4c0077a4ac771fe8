// Which email transports this deployment has, from the configuration. Secrets (the
// SendGrid key, the SMTP URL with its password) stay in here and are never logged.
import type { AppConfig } from "../../config/env.server";

export const SENDGRID_DEFAULT_ORIGIN = "https://api.sendgrid.com";

export interface Sender {
  email: string;
  name?: string;
}

export interface EmailSettings {
  from: Sender;
  sendgrid: { origin: string; apiKey: string; timeoutMs: number } | null;
  smtp: { url: string; timeoutMs: number } | null;
}

type EmailConfig = Pick<AppConfig, "EMAIL_FROM" | "SENDGRID_API_KEY" | "SENDGRID_API_ORIGIN" | "SMTP_URL">;

/** "Rappit <approvals@example.com>" or a bare address. */
export function parseSender(text: string): Sender {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(text);
  if (match) return match[1] ? { email: match[2].trim(), name: match[1].trim() } : { email: match[2].trim() };
  return { email: text.trim() };
}

export function emailSettingsFrom(config: EmailConfig): EmailSettings {
  return {
    from: parseSender(config.EMAIL_FROM),
    sendgrid: config.SENDGRID_API_KEY
      ? { origin: (config.SENDGRID_API_ORIGIN ?? SENDGRID_DEFAULT_ORIGIN).replace(/\/+$/, ""), apiKey: config.SENDGRID_API_KEY, timeoutMs: 10_000 }
      : null,
    smtp: config.SMTP_URL ? { url: config.SMTP_URL, timeoutMs: 15_000 } : null,
  };
}

/** An SMTP URL fit for a log line: host and port only. */
export function smtpHostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === "smtps:" ? "465" : "587")}`;
  } catch {
    return "(invalid SMTP_URL)";
  }
}
