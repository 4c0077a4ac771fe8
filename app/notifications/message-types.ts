// The shapes shared by everything that sends messages (approvals, fulfillment, the
// messages page). Plain module: the page's filters use the unions in the browser.
export const MESSAGE_CHANNELS = ["EMAIL", "WHATSAPP"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** In order: a status never moves back (FAILED is final unless a later delivery report says otherwise). */
export const MESSAGE_STATUSES = ["QUEUED", "SENDING", "SENT", "DELIVERED", "READ", "FAILED"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The templates Rappit sends; each has a renderer in app/notifications/templates/. */
export const MESSAGE_TEMPLATES = ["approval-request", "order-approved", "order-rejected", "order-shipped"] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

export interface QueueMessageInput {
  channel: MessageChannel;
  /** An email address, or a phone number in E.164 for WhatsApp. */
  recipient: string;
  template: MessageTemplate;
  /** What the template needs. Never a secret: an approval link is minted when the message is sent. */
  content: Record<string, unknown>;
  /** Once per shop: queueing the same key again returns the existing message. */
  dedupeKey: string;
  orderId?: string | null;
  approvalId?: string | null;
}
