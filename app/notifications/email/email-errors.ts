// A failed email send, normalised across SendGrid and SMTP: which transport, why (in words
// an operator can act on), and whether trying again later can help.
export type EmailProvider = "SENDGRID" | "SMTP";

export class EmailSendError extends Error {
  constructor(
    readonly provider: EmailProvider,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(`${provider}: ${message}`);
    this.name = "EmailSendError";
  }
}

/** Every configured transport failed. Retryable when any of them may work later. */
export class AllEmailTransportsFailedError extends Error {
  readonly retryable: boolean;
  constructor(readonly failures: EmailSendError[]) {
    super(failures.map((failure) => failure.message).join("; "));
    this.name = "AllEmailTransportsFailedError";
    this.retryable = failures.some((failure) => failure.retryable);
  }
}
