// The shop's settings for COD approvals and buyer messages: who approves (emails),
// which WhatsApp templates buyers get, and how the app itself is set up to send.
import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { AppConfig } from "../config/env.server";
import { forShop, type Database } from "../db/prisma.server";
import { recordAudit, type Actor } from "../security/audit.server";

export const MAX_APPROVERS = 10;

export interface WhatsappTemplates {
  /** WhatsApp's language code of the templates, e.g. en_US. */
  language: string;
  approved: string | null;
  rejected: string | null;
  shipped: string | null;
}

export interface ShopSettings {
  /** Empty: approval emails go to the shop owner. */
  approverEmails: string[];
  ownerEmail: string | null;
  /** Null: buyers get no WhatsApp messages. */
  whatsappTemplates: WhatsappTemplates | null;
}

/** The form's fields, named as the page names its inputs. */
export type SettingsField = "approverEmails" | "whatsappLanguage" | "whatsappApproved" | "whatsappRejected" | "whatsappShipped";
export type SettingsErrors = Partial<Record<SettingsField, string>>;

const storedTemplates = z.object({
  // Sending falls back to en_US when no language is stored (app/notifications); show the same.
  language: z.string().nullish().transform((value) => value || "en_US"),
  approved: z.string().nullish(),
  rejected: z.string().nullish(),
  shipped: z.string().nullish(),
});

/** The stored JSON, read defensively: a shape this code does not know counts as none. */
export function whatsappTemplatesOf(value: unknown): WhatsappTemplates | null {
  const parsed = storedTemplates.safeParse(value);
  if (!parsed.success) return null;
  const { language, approved, rejected, shipped } = parsed.data;
  return { language, approved: approved ?? null, rejected: rejected ?? null, shipped: shipped ?? null };
}

export async function getShopSettings(db: Database, shopId: string): Promise<ShopSettings> {
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { approverEmails: true, ownerEmail: true, whatsappTemplates: true },
  });
  return { approverEmails: shop.approverEmails, ownerEmail: shop.ownerEmail, whatsappTemplates: whatsappTemplatesOf(shop.whatsappTemplates) };
}

// WhatsApp's rule for template names: lowercase letters, digits and underscores, up to 512.
const templateName = z
  .string()
  .trim()
  .max(512, "At most 512 characters.")
  .regex(/^[a-z0-9_]*$/, "Use lowercase letters, digits and underscores only, as in WhatsApp Manager (e.g. order_shipped).");

const settingsForm = z
  .object({
    approverEmails: z
      .string()
      .max(5_000, "Too long: list at most 10 addresses.")
      .transform((text, ctx) => {
        const emails = [...new Set(text.split(/[\s,;]+/).map((item) => item.trim().toLowerCase()).filter(Boolean))];
        const bad = emails.filter((email) => !z.email().safeParse(email).success);
        if (bad.length > 0) {
          ctx.addIssue({ code: "custom", message: `Not an email address: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? ", …" : ""}` });
          return z.NEVER;
        }
        if (emails.length > MAX_APPROVERS) {
          ctx.addIssue({ code: "custom", message: `At most ${MAX_APPROVERS} approvers (${emails.length} given).` });
          return z.NEVER;
        }
        return emails;
      }),
    whatsappLanguage: z
      .string()
      .trim()
      .regex(/^([a-z]{2,3}(_[A-Z]{2})?)?$/, "A WhatsApp language code such as en, en_US or pt_BR."),
    whatsappApproved: templateName,
    whatsappRejected: templateName,
    whatsappShipped: templateName,
  })
  .superRefine((value, ctx) => {
    const anyTemplate = value.whatsappApproved || value.whatsappRejected || value.whatsappShipped;
    if (anyTemplate && !value.whatsappLanguage) {
      ctx.addIssue({ code: "custom", path: ["whatsappLanguage"], message: "Give the language your templates were approved in, e.g. en_US." });
    }
  });

export type SettingsInput = Omit<ShopSettings, "ownerEmail">;

/** Form fields → settings, or an error per field (nothing is saved on any error). */
export function parseSettingsForm(form: FormData): { ok: true; value: SettingsInput } | { ok: false; errors: SettingsErrors } {
  const field = (name: SettingsField) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const parsed = settingsForm.safeParse({
    approverEmails: field("approverEmails"),
    whatsappLanguage: field("whatsappLanguage"),
    whatsappApproved: field("whatsappApproved"),
    whatsappRejected: field("whatsappRejected"),
    whatsappShipped: field("whatsappShipped"),
  });
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as SettingsField;
      errors[key] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const { approverEmails, whatsappLanguage, whatsappApproved, whatsappRejected, whatsappShipped } = parsed.data;
  const anyTemplate = whatsappApproved || whatsappRejected || whatsappShipped;
  return {
    ok: true,
    value: {
      approverEmails,
      whatsappTemplates: anyTemplate
        ? {
            language: whatsappLanguage,
            approved: whatsappApproved || null,
            rejected: whatsappRejected || null,
            shipped: whatsappShipped || null,
          }
        : null,
    },
  };
}

/** Saves the settings with a SETTINGS_CHANGED audit row (before/after) in one transaction; no row when nothing changed. */
export async function saveShopSettings(db: Database, shopId: string, input: SettingsInput, actor: Actor): Promise<{ changed: boolean; settings: ShopSettings }> {
  return forShop(shopId, db).$transaction(async (tx) => {
    // FOR UPDATE: two admins saving at once each audit the state they replaced.
    await tx.$queryRaw`SELECT id FROM "Shop" WHERE id = ${shopId}::uuid FOR UPDATE`;
    const row = await tx.shop.findUniqueOrThrow({
      where: { id: shopId },
      select: { approverEmails: true, ownerEmail: true, whatsappTemplates: true },
    });
    const before: SettingsInput = { approverEmails: row.approverEmails, whatsappTemplates: whatsappTemplatesOf(row.whatsappTemplates) };
    if (JSON.stringify(before) === JSON.stringify(input)) {
      return { changed: false, settings: { ...before, ownerEmail: row.ownerEmail } };
    }
    await tx.shop.update({
      where: { id: shopId },
      data: {
        approverEmails: input.approverEmails,
        // Prisma needs DbNull to store SQL NULL in a Json? column.
        whatsappTemplates: input.whatsappTemplates ? { ...input.whatsappTemplates } : Prisma.DbNull,
      },
    });
    await recordAudit(tx, { actor, action: "SETTINGS_CHANGED", subject: { type: "Shop", id: shopId }, before, after: input });
    return { changed: true, settings: { ...input, ownerEmail: row.ownerEmail } };
  });
}

/** How this deployment sends: never the secrets themselves, only whether they are set. */
export interface MessagingSetup {
  whatsappConfigured: boolean;
  email: "SENDGRID" | "SMTP" | "NONE";
  /** SendGrid is used and SMTP is set as its fallback. */
  smtpFallback: boolean;
}

export function messagingSetup(config: Pick<AppConfig, "WHATSAPP_TOKEN" | "WHATSAPP_PHONE_NUMBER_ID" | "SENDGRID_API_KEY" | "SMTP_URL">): MessagingSetup {
  return {
    whatsappConfigured: Boolean(config.WHATSAPP_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID),
    email: config.SENDGRID_API_KEY ? "SENDGRID" : config.SMTP_URL ? "SMTP" : "NONE",
    smtpFallback: Boolean(config.SENDGRID_API_KEY && config.SMTP_URL),
  };
}
