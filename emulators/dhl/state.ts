// The emulated DHL eCommerce Americas: API clients bound to a pickup account,
// the tokens issued for them, labels bought, what reached the API, and faults.
import { randomBytes, randomInt } from "node:crypto";

export interface DhlAccount {
  clientId: string;
  clientSecret: string;
  /** The pickup account number the client ships for. */
  pickup: string;
  revoked: boolean;
}

export interface DhlToken {
  token: string;
  clientId: string;
  pickup: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface DhlTrackingEvent {
  date: string;
  time: string;
  timeZone?: string;
  primaryEventId?: number;
  primaryEventDescription: string;
  eventCode?: string;
  location?: string;
}

export type DhlLabelFormat = "PDF" | "ZPL" | "PNG";

export interface DhlShipment {
  pickup: string;
  distributionCenter: string;
  /** The shipper's id for the package, unique per pickup: where Rappit puts its reference. */
  packageId: string;
  /** [packageId]: the shipper's references, named as on the FedEx emulator. */
  references: string[];
  dhlPackageId: string;
  /** Last-mile id (USPS IMpb) for domestic parcels; null abroad until the parcel ships. */
  trackingId: string | null;
  orderedProductId: string;
  label: Buffer;
  format: DhlLabelFormat;
  consigneeCountry: string;
  createdAt: string;
  /** DHL eCommerce Americas v4 has no void: an unmanifested label is simply never billed. Always false. */
  cancelled: boolean;
  events: DhlTrackingEvent[];
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
  /** Label reprints (GET /shipping/v4/label). */
  lookup: number;
  track: number;
  /** Always 0: there is no cancel endpoint. */
  cancel: number;
}

export interface DhlFaults {
  /** Milliseconds every request (token included) waits before it is handled. */
  latencyMs: number;
  /** The next N business requests are handled (a label is still bought) but never answered. */
  hangNext: number;
  /** The next N business requests get 503, unhandled. */
  fail5xxNext: number;
  /** The next N business requests get 429 with Retry-After, unhandled. */
  rateLimitNext: number;
  retryAfterSeconds: number;
  /** Overrides expires_in of new tokens, seconds (fractions allowed for fast tests); null: 3600. */
  tokenExpiresIn: number | null;
  /** fail5xxNext/rateLimitNext also hit POST /auth/v4/accesstoken. */
  includeTokenRequests: boolean;
}

export const TOKEN_LIFETIME_SECONDS = 3600;

export class DhlState {
  readonly accounts = new Map<string, DhlAccount>();
  readonly tokens = new Map<string, DhlToken>();
  readonly shipments: DhlShipment[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly counts: RequestCounts = { token: 0, rate: 0, ship: 0, lookup: 0, track: 0, cancel: 0 };
  readonly faults: DhlFaults = {
    latencyMs: 0,
    hangNext: 0,
    fail5xxNext: 0,
    rateLimitNext: 0,
    retryAfterSeconds: 1,
    tokenExpiresIn: null,
    includeTokenRequests: false,
  };

  /** Registers (or re-enables) an API client for a pickup account. */
  addAccount(account: { clientId: string; clientSecret: string; pickup: string }): DhlAccount {
    const added: DhlAccount = { ...account, revoked: false };
    this.accounts.set(account.clientId, added);
    return added;
  }

  /** DHL disables the client: grants fail, issued tokens stop working. */
  revoke(clientId: string): void {
    const account = this.accounts.get(clientId);
    if (account) account.revoked = true;
  }

  issueToken(account: DhlAccount): { token: DhlToken; expiresIn: number } {
    const expiresIn = this.faults.tokenExpiresIn ?? TOKEN_LIFETIME_SECONDS;
    const token: DhlToken = {
      token: randomBytes(32).toString("base64url"),
      clientId: account.clientId,
      pickup: account.pickup,
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
  authenticate(bearer: string | null): DhlToken | "missing" | "unknown" | "expired" | "revoked" {
    if (!bearer) return "missing";
    const token = this.tokens.get(bearer);
    if (!token) return "unknown";
    if (this.accounts.get(token.clientId)?.revoked !== false) return "revoked";
    if (token.expiresAt <= Date.now()) return "expired";
    return token;
  }

  /** The package with this packageId under a pickup account. */
  shipment(pickup: string, packageId: string): DhlShipment | undefined {
    return this.shipments.find((s) => s.pickup === pickup && s.packageId === packageId);
  }

  /** The package with this DHL package id or tracking id. */
  findPackage(id: string): DhlShipment | undefined {
    return this.shipments.find((s) => s.dhlPackageId === id || s.trackingId === id);
  }

  /** Replaces the tracking events of a package (by dhlPackageId, trackingId or packageId). */
  setTrackingEvents(id: string, events: DhlTrackingEvent[]): void {
    const shipment = this.findPackage(id) ?? this.shipments.find((s) => s.packageId === id);
    if (!shipment) throw new Error(`no DHL package ${id}`);
    shipment.events = events;
  }

  newDhlPackageId(pickup: string): string {
    for (;;) {
      const candidate = `GM${pickup}${String(randomInt(0, 1e10)).padStart(10, "0")}`;
      if (!this.findPackage(candidate)) return candidate;
    }
  }

  /** A 22-digit USPS IMpb-style number (92612 + 17 digits). */
  newTrackingId(): string {
    for (;;) {
      const candidate = `92612${String(randomInt(0, 1e9)).padStart(9, "0")}${String(randomInt(0, 1e8)).padStart(8, "0")}`;
      if (!this.findPackage(candidate)) return candidate;
    }
  }
}
