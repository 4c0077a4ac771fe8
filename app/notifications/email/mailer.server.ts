// sendEmail: SendGrid first when SENDGRID_API_KEY is set, else SMTP; a failed send on one
// transport tries the other (when configured); both failing throws, and the send job
// retries with exponential backoff. SendGrid sits behind a circuit breaker: after 5
// consecutive transient failures it is skipped (straight to SMTP) for 30 s.
// Logs name the transport, the recipient's domain and the outcome: never the API key,
// the SMTP URL (it holds the password), nor the message's subject or body.
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from "cockatiel";
import { getConfig } from "../../config/env.server";
import { loggerFor } from "../../logging/logger.server";
import { AllEmailTransportsFailedError, EmailSendError, type EmailProvider } from "./email-errors";
import { emailSettingsFrom, smtpHostOf, type EmailSettings } from "./email-settings";
import { sendWithSendgrid, type OutgoingEmail } from "./sendgrid-transport.server";
import { sendWithSmtp } from "./smtp-transport.server";

export type { OutgoingEmail } from "./sendgrid-transport.server";

const logger = loggerFor("mailer");

export interface SentEmail {
  provider: EmailProvider;
  providerMessageId: string;
}

let sendgridBreaker: CircuitBreakerPolicy | undefined;

function breaker(): CircuitBreakerPolicy {
  sendgridBreaker ??= circuitBreaker(
    handleWhen((error) => error instanceof EmailSendError && error.retryable),
    { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) },
  );
  return sendgridBreaker;
}

/** Forgets the breaker's state (tests that switch SendGrid faults on and off). */
export function resetMailerBreaker(): void {
  sendgridBreaker = undefined;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

export async function sendEmail(email: OutgoingEmail, settings: EmailSettings = emailSettingsFrom(getConfig())): Promise<SentEmail> {
  const { sendgrid, smtp } = settings;
  const transports: Array<{ provider: EmailProvider; send: () => Promise<{ providerMessageId: string }> }> = [];
  if (sendgrid) {
    transports.push({
      provider: "SENDGRID",
      send: async () => {
        try {
          return await breaker().execute(() => sendWithSendgrid(sendgrid, settings.from, email));
        } catch (error) {
          if (error instanceof BrokenCircuitError) throw new EmailSendError("SENDGRID", "skipped: recent sends failed (circuit open)", true);
          throw error;
        }
      },
    });
  }
  if (smtp) transports.push({ provider: "SMTP", send: () => sendWithSmtp(smtp, settings.from, email) });
  if (transports.length === 0) {
    throw new AllEmailTransportsFailedError([new EmailSendError("SMTP", "no email transport is configured: set SENDGRID_API_KEY or SMTP_URL", false)]);
  }

  const failures: EmailSendError[] = [];
  for (const transport of transports) {
    try {
      const { providerMessageId } = await transport.send();
      logger.info({ provider: transport.provider, toDomain: domainOf(email.to), fallback: failures.length > 0 }, "email accepted");
      return { provider: transport.provider, providerMessageId };
    } catch (error) {
      const failure = error instanceof EmailSendError ? error : new EmailSendError(transport.provider, error instanceof Error ? error.message : String(error), true);
      failures.push(failure);
      logger.warn(
        { provider: transport.provider, toDomain: domainOf(email.to), status: failure.status, retryable: failure.retryable, ...(transport.provider === "SMTP" && smtp ? { smtp: smtpHostOf(smtp.url) } : {}) },
        `email not sent: ${failure.message}`,
      );
    }
  }
  throw new AllEmailTransportsFailedError(failures);
}
