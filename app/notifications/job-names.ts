// Job names of the notifications queue, and the deterministic job ids of a message's sends.
export const SEND_MESSAGE_JOB = "notifications.send-message";
export const SWEEP_MESSAGES_JOB = "notifications.sweep-messages";

/**
 * The first send of a message is `message-<id>`; a resend after `attempts` failed tries is
 * `message-<id>-r<attempts>`, so it never collides with the failed job BullMQ still keeps.
 */
export function messageJobId(messageId: string, attemptsSoFar = 0): string {
  return attemptsSoFar === 0 ? `message-${messageId}` : `message-${messageId}-r${attemptsSoFar}`;
}
