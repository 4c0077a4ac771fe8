// The emulated WhatsApp Business account: its phone number id, the access token it
// accepts, the app secret that signs its webhooks, the messages sent, and faults.
export interface SentWhatsapp {
  wamid: string;
  to: string;
  templateName: string;
  language: string;
  /** The body component's text parameters, in order. */
  parameters: string[];
  /** The request body as received. */
  body: Record<string, unknown>;
  at: string;
}

export interface WhatsappFault {
  count: number;
  /** HTTP status of the error answer (e.g. 500, 400, 401, 429). */
  status: number;
  /** Meta's error code (e.g. 131000, 130429, 131056, 131030, 190). */
  code: number;
  message: string;
  subcode?: number;
  type?: string;
}

export class WhatsappState {
  readonly sent: SentWhatsapp[] = [];
  readonly requests: Array<{ path: string; status: number; at: string }> = [];
  /** When non-empty, only these numbers may receive (a test number's allowed list, error 131030). */
  readonly allowedRecipients = new Set<string>();
  failNext: WhatsappFault | null = null;

  constructor(
    public token: string,
    readonly phoneNumberId: string,
    readonly appSecret: string,
  ) {}

  /** The next `count` sends fail with a 5xx (code 131000, "Something went wrong"). */
  fail5xx(count: number, status = 500): void {
    this.failNext = { count, status, code: 131000, message: "Something went wrong", type: "OAuthException" };
  }

  /** The next `count` sends fail with Meta's `code` at HTTP `status`. */
  failWith(count: number, status: number, code: number, message: string, subcode?: number): void {
    this.failNext = { count, status, code, message, subcode, type: "OAuthException" };
  }

  resetFaults(): void {
    this.failNext = null;
    this.allowedRecipients.clear();
  }
}
