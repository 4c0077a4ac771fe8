// The notifications door: what approvals, fulfillment and the messages page use.
// Every email and WhatsApp message is a MessageLog row first, then one send job per row
// (app/notifications/send-message.server.ts); statuses come back by webhook (WhatsApp).
export { queueMessage, resendMessage } from "./message-queue.server";
export { notifyBuyer, type BuyerEvent, type ShipmentDetails } from "./buyer-notifications.server";
export { MessageNotFoundError, MessageNotResendableError, MessageNotSendableError } from "./message-errors";
export { SEND_MESSAGE_JOB, SWEEP_MESSAGES_JOB, messageJobId } from "./job-names";
export { registerEmailRenderer, type EmailRenderer, type RenderableMessage, type RenderedEmail } from "./templates/index.server";
export type { MessageChannel, MessageStatus, MessageTemplate, QueueMessageInput } from "./message-types";
