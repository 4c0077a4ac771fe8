// The notifications queue's jobs. `notifications.send-message` sends one MessageLog row:
// claim it (QUEUED/FAILED → SENDING, attempts + 1, a conditional UPDATE, so two jobs for
// one row never both send), render, send, then SENT with the provider's id. A failure
// stores the error and rethrows (BullMQ retries with backoff); the last attempt marks the
// row FAILED (and the runtime keeps a dead letter). A row already SENT or later is left
// alone: a rerun never sends twice. `notifications.sweep-messages` re-enqueues rows left
// QUEUED (Redis was down when they were queued) or stuck in SENDING (a lost job).
import { z } from "zod";
import { getConfig } from "../config/env.server";
import { forShop, getPrisma, type Database, type ShopDatabase } from "../db/prisma.server";
import { jobOptionsFor, enqueue } from "../jobs/queues.server";
import type { JobContext } from "../jobs/worker-runtime.server";
import { loggerFor } from "../logging/logger.server";
import { recordMessageStatus } from "../metrics/record.server";
import { withSystemContext } from "../security/tenancy";
import { sendEmail } from "./email/mailer.server";
import { SEND_MESSAGE_JOB, messageJobId } from "./job-names";
import { MessageNotSendableError } from "./message-errors";
import { MESSAGE_TEMPLATES, type MessageStatus, type MessageTemplate } from "./message-types";
import { renderEmail, whatsappTemplateOf, type RenderableMessage } from "./templates/index.server";
import { sendWhatsappTemplate } from "./whatsapp/whatsapp-transport.server";
import { whatsappSettingsFrom } from "./whatsapp/whatsapp-settings";

const logger = loggerFor("send-message");

const jobSchema = z.object({ shopId: z.uuid(), messageId: z.uuid() });

/** How long a SENDING claim holds before another job may take the row over (longer than any send). */
export const SENDING_LEASE_MS = 2 * 60_000;
const DONE: ReadonlySet<string> = new Set<MessageStatus>(["SENT", "DELIVERED", "READ"]);

/** Another job holds the row right now: come back when its lease is over (no attempt spent). */
class MessageBusyError extends Error {
  readonly retryLater = true as const;
  constructor(readonly delayMs: number) {
    super("another job is sending this message");
    this.name = "MessageBusyError";
  }
}

export type SendOutcome = "sent" | "already-sent" | "message-gone";

interface SendOptions {
  db?: Database;
  /** The job's attempts; default: the notifications queue's (QUEUE_RETRY, else 3). */
  maxAttempts?: number;
}

async function claim(db: ShopDatabase, messageId: string): Promise<boolean> {
  const now = new Date();
  const { count } = await db.messageLog.updateMany({
    where: {
      id: messageId,
      shopId: db.$shopId(),
      OR: [{ status: { in: ["QUEUED", "FAILED"] } }, { status: "SENDING", updatedAt: { lt: new Date(now.getTime() - SENDING_LEASE_MS) } }],
    },
    data: { status: "SENDING", attempts: { increment: 1 }, updatedAt: now },
  });
  return count === 1;
}

async function deliver(db: ShopDatabase, message: RenderableMessage & { channel: string }): Promise<{ provider: string; providerMessageId: string }> {
  if (message.channel === "EMAIL") {
    const rendered = await renderEmail(db, message);
    return sendEmail({ to: message.recipient, ...rendered });
  }
  const settings = whatsappSettingsFrom(getConfig());
  if (!settings) throw new MessageNotSendableError("WhatsApp is not configured: set WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID");
  const template = whatsappTemplateOf(message);
  const { wamid } = await sendWhatsappTemplate(settings, { to: message.recipient, ...template });
  return { provider: "WHATSAPP", providerMessageId: wamid };
}

const isTemplate = (name: string): name is MessageTemplate => (MESSAGE_TEMPLATES as readonly string[]).includes(name);

export async function runSendMessage(data: unknown, context: Pick<JobContext, "attempt">, options: SendOptions = {}): Promise<{ outcome: SendOutcome }> {
  const { shopId, messageId } = jobSchema.parse(data);
  const db = forShop(shopId, options.db ?? getPrisma());
  const maxAttempts = options.maxAttempts ?? jobOptionsFor("notifications").attempts ?? 3;
  const lastAttempt = context.attempt >= maxAttempts;

  if (!(await claim(db, messageId))) {
    const row = await db.messageLog.findFirst({ where: { id: messageId, shopId }, select: { status: true, updatedAt: true } });
    if (!row) {
      // Not there yet (queued inside a transaction that has not committed) or deleted with its shop.
      if (lastAttempt) return { outcome: "message-gone" };
      throw new Error(`message ${messageId} not found (yet)`);
    }
    if (DONE.has(row.status)) return { outcome: "already-sent" };
    throw new MessageBusyError(Math.max(1_000, row.updatedAt.getTime() + SENDING_LEASE_MS - Date.now()));
  }

  const row = await db.messageLog.findFirstOrThrow({ where: { id: messageId, shopId } });
  const log = { shopId, messageId, channel: row.channel, template: row.template, attempt: context.attempt };
  try {
    if (!isTemplate(row.template)) throw new MessageNotSendableError(`unknown template "${row.template}"`);
    const content = row.content && typeof row.content === "object" && !Array.isArray(row.content) ? (row.content as Record<string, unknown>) : {};
    const sent = await deliver(db, { ...row, template: row.template, content });
    const now = new Date();
    await db.messageLog.updateMany({
      where: { id: messageId, shopId, status: "SENDING" },
      data: { status: "SENT", provider: sent.provider, providerMessageId: sent.providerMessageId, sentAt: now, statusAt: now, error: null, updatedAt: now },
    });
    recordMessageStatus(row.channel, "SENT");
    logger.info({ ...log, provider: sent.provider }, "message sent");
    return { outcome: "sent" };
  } catch (error) {
    const retryable = (error as { retryable?: unknown }).retryable !== false;
    const final = lastAttempt || !retryable;
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    // Back to QUEUED between attempts (the retry claims it again); FAILED after the last.
    await db.messageLog.updateMany({
      where: { id: messageId, shopId, status: "SENDING" },
      data: { status: final ? "FAILED" : "QUEUED", error: reason, statusAt: final ? new Date() : undefined, updatedAt: new Date() },
    });
    recordMessageStatus(row.channel, final ? "FAILED" : "RETRYING");
    logger.warn({ ...log, final, retryable, err: reason }, final ? "message failed" : "message send failed; will retry");
    throw error;
  }
}

/**
 * Re-enqueues messages whose job never ran: QUEUED for over a minute (Redis was down when
 * they were queued, or its job ran before the row was visible), or SENDING far past the lease
 * (the job was lost). The job id carries the sweep's minute: BullMQ keeps finished jobs for a
 * while, and re-adding a finished job's id would do nothing. A duplicate of a job still waiting
 * is harmless: the row's claim lets only one of them send.
 */
export async function sweepQueuedMessages(options: { db?: Database; olderThanMs?: number; limit?: number } = {}): Promise<{ enqueued: number }> {
  const db = options.db ?? getPrisma();
  const now = Date.now();
  const rows = await withSystemContext("message-sweeper", () =>
    db.messageLog.findMany({
      where: {
        OR: [
          { status: "QUEUED", updatedAt: { lte: new Date(now - (options.olderThanMs ?? 60_000)) } },
          { status: "SENDING", updatedAt: { lte: new Date(now - 5 * SENDING_LEASE_MS) } },
        ],
      },
      select: { id: true, shopId: true, attempts: true },
      orderBy: { updatedAt: "asc" },
      take: options.limit ?? 500,
    }),
  );
  for (const row of rows) {
    await enqueue({ queue: "notifications", name: SEND_MESSAGE_JOB, data: { shopId: row.shopId, messageId: row.id }, jobId: `${messageJobId(row.id, row.attempts)}-s${Math.floor(now / 60_000)}` });
  }
  if (rows.length > 0) logger.info({ enqueued: rows.length }, "queued messages re-enqueued");
  return { enqueued: rows.length };
}
