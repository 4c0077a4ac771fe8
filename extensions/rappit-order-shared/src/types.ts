// The JSON the extension API answers (docs/extensions.md, "Extension API"). Written out here
// rather than imported from app/: the extensions are bundled on their own and must not pull
// server code into the admin's sandbox.

export interface RiskNote {
  code: string;
  text: string;
}

export interface OrderSummary {
  order: {
    id: string;
    name: string;
    /** NEW | PENDING_APPROVAL | APPROVED | REJECTED | FULFILLING | FULFILLED | CANCELLED | ON_HOLD */
    status: string;
    holdReason: string | null;
    cod: boolean;
    financialStatus: string | null;
    fulfillmentStatus: string | null;
    total: string;
    currency: string;
  };
  approval: null | {
    id: string;
    /** PENDING | APPROVED | REJECTED | CANCELLED */
    status: string;
    requestedAt: string;
    decidedAt: string | null;
    decidedByEmail: string | null;
    /** EMAIL_LINK | APP | EXTENSION | SYSTEM */
    decidedVia: string | null;
    reason: string | null;
    riskNotes: RiskNote[];
  };
  shipments: Array<{
    id: string;
    carrier: string;
    service: string | null;
    status: string;
    trackingNumber: string | null;
    trackingUrl: string | null;
    labelUrl: string | null;
    createdAt: string;
    /** LABEL_CREATED | IN_TRANSIT | OUT_FOR_DELIVERY | DELIVERED | EXCEPTION | RETURNED; null before the first poll. */
    trackingStatus: string | null;
    /** The carrier's latest event. */
    lastEvent: { status: string; description: string; location: string | null; occurredAt: string } | null;
  }>;
  deadLetters: Array<{ id: string; queue: string; jobName: string; error: string; lastFailedAt: string }>;
  messages: Array<{ id: string; channel: string; template: string; status: string; recipient: string | null; createdAt: string }>;
  actions: { canDecide: boolean; canBuyLabel: boolean };
}

export type Decision = "APPROVE" | "REJECT";

export interface DecisionAnswer {
  status: string;
  decidedAt?: string | null;
}

/** One carrier quote as app/carriers/connector.ts returns it: the amount is a decimal string. */
export interface RateQuote {
  /** The carrier's service code, sent back when buying. */
  service: string;
  /** The name the carrier gives the service. */
  serviceName: string;
  amount: string;
  currency: string;
}

export interface RateAccount {
  id: string;
  carrier: string;
  name: string;
  isDefault: boolean;
  quotes: RateQuote[];
  error?: string | null;
}

export interface RatesAnswer {
  accounts: RateAccount[];
}

export interface LabelAnswer {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
}

export interface RetryAnswer {
  jobId: string;
}
