// The emulated FedEx: developer-portal projects (API key + secret bound to a
// shipping account), the tokens issued for them, shipments bought, what
// reached the API, and faults.
import { randomBytes, randomInt } from "node:crypto";

export interface FedexAccount {
  clientId: string;
  clientSecret: string;
  /** The 9-digit shipping account the project may use. */
  accountNumber: string;
  revoked: boolean;
}

export interface FedexToken {
  token: string;
  clientId: string;
  accountNumber: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface FedexCustomerReference {
  customerReferenceType: string;
  value: string;
}

export interface FedexShipment {
  /** The master tracking number (12 digits). */
  trackingNumber: string;
  /** Per-piece tracking numbers and labels; the first is the master. */
  pieces: { trackingNumber: string; label: Buffer }[];
  accountNumber: string;
  serviceType: string;
  /** CUSTOMER_REFERENCE values: where Rappit puts its own reference. */
  references: string[];
  /** Every customerReferences entry of every package, as sent. */
  customerReferences: FedexCustomerReference[];
  /** The master label document, decoded. */
  label: Buffer;
  /** labelSpecification.imageType: PDF, PNG, ZPLII or EPL2. */
  docType: string;
  netCharge: number;
  createdAt: string;
  cancelled: boolean;
  status: { code: string; description: string };
  /** What the Track API lists under scanEvents, oldest first (FedEx answers newest first). */
  scanEvents: FedexScanEvent[];
}

export interface FedexScanEvent {
  date: string;
  eventType: string;
  eventDescription: string;
  derivedStatusCode: string;
  scanLocation: { city?: string; stateOrProvinceCode?: string; countryCode?: string };
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** null: the emulator never answered (hangNext). */
  status: number | null;
  at: string;
}

export interface RequestCounts {
  token: number;
  rate: number;
  ship: number;
  lookup: number;
  track: number;
  cancel: number;
}

export interface FedexFaults {
  /** Milliseconds every request (token included) waits before it is handled. */
  latencyMs: number;
  /** The next N business requests are handled (a ship still buys its label) but never answered. */
  hangNext: number;
  /** The next N business requests get 503 SERVICE.UNAVAILABLE.ERROR, unhandled. */
  fail5xxNext: number;
  /** The next N business requests get 429 with Retry-After, unhandled. */
  rateLimitNext: number;
  retryAfterSeconds: number;
  /** Overrides expires_in of new tokens, seconds (fractions allowed for fast tests); null: 3599. */
  tokenExpiresIn: number | null;
  /** fail5xxNext/rateLimitNext also hit POST /oauth/token (FedEx throttles token generation by IP). */
  includeTokenRequests: boolean;
  /** The next N ship requests are handled (the label is bought) but never answered; other calls go through. */
  hangShips: number;
  /** The next N ship requests are refused with this 400 validation error (nothing bought), e.g. a bad address. */
  rejectShips: { count: number; code: string; message: string } | null;
}

export const TOKEN_LIFETIME_SECONDS = 3599;

export class FedexState {
  readonly accounts = new Map<string, FedexAccount>();
  readonly tokens = new Map<string, FedexToken>();
  readonly shipments: FedexShipment[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly counts: RequestCounts = { token: 0, rate: 0, ship: 0, lookup: 0, track: 0, cancel: 0 };
  readonly faults: FedexFaults = {
    latencyMs: 0,
    hangNext: 0,
    fail5xxNext: 0,
    rateLimitNext: 0,
    hangShips: 0,
    rejectShips: null,
    retryAfterSeconds: 1,
    tokenExpiresIn: null,
    includeTokenRequests: false,
  };

  /** Registers (or re-enables) a project's credentials for a shipping account. */
  addAccount(account: { clientId: string; clientSecret: string; accountNumber: string }): FedexAccount {
    const added: FedexAccount = { ...account, revoked: false };
    this.accounts.set(account.clientId, added);
    return added;
  }

  /** The project's key is deleted in the portal: grants fail, issued tokens stop working. */
  revoke(clientId: string): void {
    const account = this.accounts.get(clientId);
    if (account) account.revoked = true;
  }

  issueToken(account: FedexAccount): { token: FedexToken; expiresIn: number } {
    const expiresIn = this.faults.tokenExpiresIn ?? TOKEN_LIFETIME_SECONDS;
    const token: FedexToken = {
      // Opaque to clients (real FedEx tokens are JWTs; nothing may read into them).
      token: randomBytes(32).toString("base64url"),
      clientId: account.clientId,
      accountNumber: account.accountNumber,
      expiresAt: Date.now() + expiresIn * 1000,
    };
    this.tokens.set(token.token, token);
    return { token, expiresIn };
  }

  /** Every issued token expires now. */
  expireTokensNow(): void {
    for (const token of this.tokens.values()) token.expiresAt = Date.now() - 1;
  }

  /** The live token, or why not. */
  authenticate(bearer: string | null): FedexToken | "missing" | "unknown" | "expired" | "revoked" {
    if (!bearer) return "missing";
    const token = this.tokens.get(bearer);
    if (!token) return "unknown";
    if (this.accounts.get(token.clientId)?.revoked !== false) return "revoked";
    if (token.expiresAt <= Date.now()) return "expired";
    return token;
  }

  newTrackingNumber(): string {
    for (;;) {
      const candidate = `7${String(randomInt(0, 1e11)).padStart(11, "0")}`;
      if (!this.shipments.some((s) => s.pieces.some((p) => p.trackingNumber === candidate))) return candidate;
    }
  }

  /** The shipment with this master or piece tracking number. */
  shipment(trackingNumber: string): FedexShipment | undefined {
    return this.shipments.find((s) => s.pieces.some((p) => p.trackingNumber === trackingNumber));
  }

  /**
   * Moves the shipment on: a new scan event (e.g. "IT" in transit, "OD" out for delivery,
   * "DL" delivered, "DE" delivery exception, "RS" returned to shipper) at `at`, which
   * defaults to now, so a test controls the tracking clock.
   */
  setTrackingStatus(
    trackingNumber: string,
    code: string,
    description: string,
    options: { at?: Date; city?: string; stateOrProvinceCode?: string; countryCode?: string } = {},
  ): void {
    const shipment = this.shipment(trackingNumber);
    if (!shipment) throw new Error(`no FedEx shipment ${trackingNumber}`);
    shipment.status = { code, description };
    const { at = new Date(), ...scanLocation } = options;
    shipment.scanEvents.push({ date: at.toISOString(), eventType: code, eventDescription: description, derivedStatusCode: code, scanLocation });
  }
}
