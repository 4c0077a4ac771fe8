// Status webhooks the way Meta sends them: a whatsapp_business_account change with
// statuses[], the raw JSON body signed with the app secret (X-Hub-Signature-256:
// sha256=<hex HMAC-SHA256>). Tests choose the order, and can break the signature.
import { createHmac } from "node:crypto";
import type { WhatsappState } from "./state";

export type WhatsappStatus = "sent" | "delivered" | "read" | "failed";

export interface StatusEvent {
  wamid: string;
  status: WhatsappStatus;
  recipient: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** For "failed": Meta's errors[] entries. */
  errors?: Array<{ code: number; title: string; message?: string; details?: string }>;
}

export function statusPayload(state: WhatsappState, events: StatusEvent[]) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398", // the WABA id
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: state.phoneNumberId },
              statuses: events.map((event) => ({
                id: event.wamid,
                status: event.status,
                timestamp: String(event.timestamp ?? Math.floor(Date.now() / 1000)),
                recipient_id: event.recipient,
                ...(event.status === "failed"
                  ? {
                      errors: (event.errors ?? [{ code: 131026, title: "Message undeliverable" }]).map((error) => ({
                        code: error.code,
                        title: error.title,
                        message: error.message ?? error.title,
                        error_data: { details: error.details ?? error.title },
                      })),
                    }
                  : {
                      conversation: { id: "CONVERSATION_ID", origin: { type: "utility" } },
                      pricing: { billable: true, pricing_model: "PMP", category: "utility" },
                    }),
              })),
            },
          },
        ],
      },
    ],
  };
}

export function signBody(appSecret: string, body: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body, "utf8").digest("hex")}`;
}

export interface DeliverOptions {
  /** Sign with another secret (a forged delivery), or send no signature at all. */
  signature?: "valid" | "wrong" | "missing";
}

/** POSTs one webhook with `events` to `url`; resolves with the app's answer. */
export async function deliverStatuses(state: WhatsappState, url: string, events: StatusEvent[], options: DeliverOptions = {}): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(statusPayload(state, events));
  const signature = options.signature ?? "valid";
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "facebookexternalua" };
  if (signature !== "missing") headers["X-Hub-Signature-256"] = signBody(signature === "valid" ? state.appSecret : `${state.appSecret}-forged`, body);
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.text() };
}
