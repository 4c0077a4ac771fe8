// The emulated SendGrid account: its API key, the mail it accepted, and fault switches.
export interface SendgridMail {
  /** The X-Message-Id it answered with. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** The v3 body as received. */
  body: Record<string, unknown>;
  at: string;
}

export interface SendgridFaults {
  /** Drop the connection without an answer (SendGrid unreachable). */
  down: boolean;
  /** The next N sends answer 503. */
  fail5xxNext: number;
  /** The next N sends answer 429 with Retry-After. */
  rateLimitNext: number;
  retryAfterSeconds: number;
}

export class SendgridState {
  readonly mails: SendgridMail[] = [];
  readonly requests: Array<{ path: string; status: number | null; at: string }> = [];
  faults: SendgridFaults = { down: false, fail5xxNext: 0, rateLimitNext: 0, retryAfterSeconds: 1 };

  constructor(public apiKey: string) {}

  resetFaults(): void {
    this.faults = { down: false, fail5xxNext: 0, rateLimitNext: 0, retryAfterSeconds: 1 };
  }

  mailsTo(address: string): SendgridMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }
}
