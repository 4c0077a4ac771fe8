// Queueing and resending messages: every email and WhatsApp message is a MessageLog row first, then
// a send job (one per row, deterministic id). Queueing is idempotent per (shop, dedupeKey);
// if Redis is down the row stays QUEUED and the minute sweep enqueues it later.
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { QueueUnavailableError, enqueue } from "../jobs/queues.server";
import { loggerFor } from "../logging/logger.server";
import { recordAudit, type Actor } from "../security/audit.server";
import { redactSecrets } from "../security/redaction";
import { SEND_MESSAGE_JOB, messageJobId } from "./job-names";
import { MessageNotFoundError, MessageNotResendableError } from "./message-errors";
import { MESSAGE_CHANNELS, MESSAGE_TEMPLATES, type QueueMessageInput } from "./message-types";

const logger = loggerFor("messages");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const inputSchema = z
  .object({
    channel: z.enum(MESSAGE_CHANNELS),
    recipient: z.string().trim().min(3).max(320),
    template: z.enum(MESSAGE_TEMPLATES),
    content: z.record(z.string(), z.unknown()),
    dedupeKey: z.string().min(1).max(300),
    orderId: z.string().regex(UUID).nullish(),
    approvalId: z.string().regex(UUID).nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.channel === "EMAIL" && !z.email().safeParse(input.recipient).success) {
      ctx.addIssue({ code: "custom", path: ["recipient"], message: "an email message needs an email address" });
    }
    if (input.channel === "WHATSAPP" && !/^\+?[1-9]\d{7,14}$/.test(input.recipient)) {
      ctx.addIssue({ code: "custom", path: ["recipient"], message: "a WhatsApp message needs a phone number in E.164 (country code first, digits only)" });
    }
    // Rows are shown on the messages page and exported: a secret must never be stored in them.
    if (JSON.stringify(redactSecrets(input.content)) !== JSON.stringify(input.content)) {
      ctx.addIssue({ code: "custom", path: ["content"], message: "message content must not hold secrets (links with tokens are minted at send time)" });
    }
  });

async function enqueueSend(shopId: string, messageId: string, attemptsSoFar: number): Promise<boolean> {
  try {
    await enqueue({
      queue: "notifications",
      name: SEND_MESSAGE_JOB,
      data: { shopId, messageId },
      jobId: messageJobId(messageId, attemptsSoFar),
    });
    return true;
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn({ shopId, messageId }, "queue unavailable: message left QUEUED for the sweep");
    return false;
  }
}

/**
 * Records the message once per (shop, dedupeKey) and enqueues its send. Queueing the same
 * key again returns the existing message (created: false) and sends nothing more.
 * Call it after the transaction that decided to send has committed (the job reads the row).
 */
export async function queueMessage(db: ShopDatabase, input: QueueMessageInput): Promise<{ messageId: string; created: boolean }> {
  const message = inputSchema.parse(input);
  const shopId = db.$shopId();
  const recipient = message.channel === "WHATSAPP" ? message.recipient.replace(/^\+/, "") : message.recipient;
  // Raw SQL for ON CONFLICT DO NOTHING (Prisma's upsert cannot say whether it created); the shop filter is the shopId value itself.
  const inserted = await db.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "MessageLog" ("shopId", "orderId", "approvalId", channel, recipient, template, content, "dedupeKey")
    VALUES (${shopId}::uuid, ${message.orderId ?? null}::uuid, ${message.approvalId ?? null}::uuid, ${message.channel},
            ${recipient}, ${message.template}, ${JSON.stringify(message.content)}::jsonb, ${message.dedupeKey})
    ON CONFLICT ("shopId", "dedupeKey") DO NOTHING
    RETURNING id::text AS id`;
  if (inserted.length === 0) {
    const existing = await db.messageLog.findFirstOrThrow({ where: { shopId, dedupeKey: message.dedupeKey }, select: { id: true } });
    return { messageId: existing.id, created: false };
  }
  const messageId = inserted[0].id;
  await enqueueSend(shopId, messageId, 0);
  logger.info({ shopId, messageId, channel: message.channel, template: message.template }, "message queued");
  return { messageId, created: true };
}

/**
 * Sends a FAILED message again (the messages page's Resend): back to QUEUED with a new job
 * id, audited. Anything else is 409; an unknown id (or another shop's) is 404.
 */
export async function resendMessage(db: ShopDatabase, messageId: string, actor: Actor): Promise<void> {
  if (!UUID.test(messageId)) throw new MessageNotFoundError(messageId);
  const shopId = db.$shopId();
  const resent = await db.$transaction(async (tx) => {
    const row = await tx.messageLog.findFirst({
      where: { id: messageId, shopId },
      select: { status: true, error: true, attempts: true, channel: true, template: true },
    });
    if (!row) throw new MessageNotFoundError(messageId);
    // Conditional: of two concurrent resends exactly one wins, the other sees QUEUED (409).
    const { count } = await tx.messageLog.updateMany({
      where: { id: messageId, shopId, status: "FAILED" },
      data: { status: "QUEUED", error: null, updatedAt: new Date() },
    });
    if (count === 0) throw new MessageNotResendableError(messageId, row.status === "FAILED" ? "QUEUED" : row.status);
    const jobId = messageJobId(messageId, row.attempts);
    await recordAudit(tx, {
      actor,
      action: "MESSAGE_RESENT",
      subject: { type: "MessageLog", id: messageId },
      before: { status: "FAILED", error: row.error, attempts: row.attempts },
      after: { status: "QUEUED", jobId },
    });
    return { attempts: row.attempts };
  });
  await enqueueSend(shopId, messageId, resent.attempts);
  logger.info({ shopId, messageId }, "message resent");
}
