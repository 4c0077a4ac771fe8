// WhatsApp message statuses (sent, delivered, read, failed) applied to MessageLog rows by
// wamid. Each (wamid, status) is recorded once as a WebhookEvent (provider WHATSAPP) in the
// same transaction as the update, so a redelivery changes nothing and nothing is half done.
// Statuses arrive out of order: the UPDATE is conditional on rank, so a status never moves
// back. Rank: QUEUED < SENDING < SENT < FAILED < DELIVERED < READ — a delivery report after
// "failed" wins (the buyer got it), a "failed" after delivered/read is stale.
import { z } from "zod";
import { getPrisma, type Database } from "../../db/prisma.server";
import { loggerFor } from "../../logging/logger.server";
import { recordMessageStatus } from "../../metrics/record.server";
import { withSystemContext } from "../../security/tenancy";

const logger = loggerFor("whatsapp-statuses");

export const STATUS_RANK = ["QUEUED", "SENDING", "SENT", "FAILED", "DELIVERED", "READ"] as const;

const statusSchema = z
  .object({
    id: z.string().min(1).max(512),
    status: z.string().min(1).max(32),
    timestamp: z.string().regex(/^\d{1,12}$/).optional(),
    recipient_id: z.string().max(32).optional(),
    errors: z
      .array(
        z
          .object({
            code: z.number().int(),
            title: z.string().max(500).optional(),
            message: z.string().max(1000).optional(),
            error_data: z.object({ details: z.string().max(1000).optional() }).loose().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();
export type WhatsappStatusUpdate = z.infer<typeof statusSchema>;

/** The notification body Meta posts; only what Rappit reads is checked, the rest passes. */
export const webhookPayloadSchema = z
  .object({
    object: z.literal("whatsapp_business_account"),
    entry: z
      .array(
        z
          .object({
            changes: z.array(z.object({ field: z.string(), value: z.object({ statuses: z.array(statusSchema).max(1000).optional() }).loose() }).loose()).max(100),
          })
          .loose(),
      )
      .max(100),
  })
  .loose();

export type StatusOutcome = "applied" | "stale" | "duplicate" | "unknown-message" | "ignored";

const OUR_STATUS: Readonly<Record<string, (typeof STATUS_RANK)[number]>> = {
  sent: "SENT",
  delivered: "DELIVERED",
  read: "READ",
  failed: "FAILED",
};

function failureText(update: WhatsappStatusUpdate): string {
  const first = update.errors?.[0];
  if (!first) return "WhatsApp reported the message as failed";
  const details = first.error_data?.details ?? first.message;
  return `WhatsApp error ${first.code}: ${first.title ?? "failed"}${details && details !== first.title ? ` (${details})` : ""}`.slice(0, 2_000);
}

/** Records and applies one status; the outcome says what happened (for logs and tests). */
export async function applyStatus(update: WhatsappStatusUpdate, base: Database = getPrisma()): Promise<StatusOutcome> {
  const target = OUR_STATUS[update.status];
  if (!target) return "ignored"; // e.g. "played" (voice), "deleted": nothing to show
  const at = update.timestamp ? new Date(Number(update.timestamp) * 1000) : new Date();
  const outcome = await withSystemContext("whatsapp status webhook: the wamid names the message and so the shop", () =>
    base.$transaction(async (tx) => {
      const message = await tx.messageLog.findFirst({ where: { providerMessageId: update.id, provider: "WHATSAPP" }, select: { id: true, shopId: true } });
      if (!message) return "unknown-message" as const;
      // The event row is the once-only guard: (provider, webhookId) is unique.
      const recorded = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "WebhookEvent" (id, "shopId", provider, topic, "webhookId", "triggeredAt", payload, "processedAt", outcome)
        VALUES (gen_random_uuid(), ${message.shopId}::uuid, 'WHATSAPP', 'messages.status', ${`${update.id}/${update.status}`},
                ${at}, ${JSON.stringify(update)}::jsonb, now(), 'applying')
        ON CONFLICT DO NOTHING
        RETURNING id::text AS id`;
      if (recorded.length === 0) return "duplicate" as const;
      const error = target === "FAILED" ? failureText(update) : null;
      // Only forward: the row's rank must be below the new status's. Delivered/read clear an earlier failure's error.
      const changed = await tx.$executeRaw`
        UPDATE "MessageLog"
        SET status = ${target}, "statusAt" = ${at}, "updatedAt" = now(),
            error = CASE WHEN ${target} = 'FAILED' THEN ${error} WHEN ${target} IN ('DELIVERED', 'READ') THEN NULL ELSE error END
        WHERE id = ${message.id}::uuid AND "shopId" = ${message.shopId}::uuid
          AND array_position(${STATUS_RANK as unknown as string[]}::text[], status) < array_position(${STATUS_RANK as unknown as string[]}::text[], ${target}::text)`;
      const outcome = changed > 0 ? ("applied" as const) : ("stale" as const);
      await tx.webhookEvent.updateMany({ where: { id: recorded[0].id, shopId: message.shopId }, data: { outcome } });
      return outcome;
    }),
  );
  // Counted after the commit: a rolled-back status never reached the log.
  if (outcome === "applied" && (target === "DELIVERED" || target === "READ" || target === "FAILED")) recordMessageStatus("WHATSAPP", target);
  return outcome;
}

/** Applies every status of a validated payload, in the order given. */
export async function applyStatusPayload(payload: z.infer<typeof webhookPayloadSchema>, base?: Database): Promise<Record<StatusOutcome, number>> {
  const counts: Record<StatusOutcome, number> = { applied: 0, stale: 0, duplicate: 0, "unknown-message": 0, ignored: 0 };
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages") continue;
      for (const update of change.value.statuses ?? []) counts[await applyStatus(update, base)] += 1;
    }
  }
  if (counts["unknown-message"] > 0) logger.info({ unknown: counts["unknown-message"] }, "statuses for messages Rappit did not send (or not yet recorded)");
  return counts;
}
