// WhatsApp notices to the buyer when an order is approved, rejected or shipped: the shop's
// approved template for the event, to the order's phone, once per (event, order).
// Skipped, with the reason logged, when there is no phone, no template or no WhatsApp setup.
import { z } from "zod";
import { getConfig } from "../config/env.server";
import type { ShopDatabase } from "../db/prisma.server";
import { loggerFor } from "../logging/logger.server";
import type { MessageTemplate } from "./message-types";
import { queueMessage } from "./message-queue.server";
import { toE164Digits } from "./phone-numbers";
import { whatsappConfigured } from "./whatsapp/whatsapp-settings";

const logger = loggerFor("buyer-notifications");

export type BuyerEvent = "approved" | "rejected" | "shipped";

export interface ShipmentDetails {
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
}

const TEMPLATE_OF: Record<BuyerEvent, MessageTemplate> = {
  approved: "order-approved",
  rejected: "order-rejected",
  shipped: "order-shipped",
};

const shopTemplatesSchema = z
  .object({
    language: z.string().min(2).nullish(),
    approved: z.string().min(1).nullish(),
    rejected: z.string().min(1).nullish(),
    shipped: z.string().min(1).nullish(),
  })
  .loose();

const addressSchema = z.object({ phone: z.string().nullish(), countryCode: z.string().nullish(), country_code: z.string().nullish() }).loose();

/** Queues the buyer's WhatsApp notice for the event; the message id, or null when skipped. */
export async function notifyBuyer(db: ShopDatabase, orderId: string, event: BuyerEvent, details: ShipmentDetails = {}): Promise<string | null> {
  const shopId = db.$shopId();
  const skip = (reason: string) => {
    logger.info({ shopId, orderId, event, reason }, "buyer WhatsApp notice skipped");
    return null;
  };
  if (!whatsappConfigured(getConfig())) return skip("WhatsApp is not configured (WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID)");

  const order = await db.order.findFirst({ where: { id: orderId, shopId }, select: { name: true, phone: true, shippingAddress: true } });
  if (!order) return skip("order not found");
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { whatsappTemplates: true } });
  const templates = shopTemplatesSchema.safeParse(shop.whatsappTemplates ?? {});
  const templateName = templates.success ? templates.data[event] : null;
  if (!templateName) return skip(`no WhatsApp template set for "${event}" in the shop's settings`);
  const language = (templates.success && templates.data.language) || "en_US";

  const address = addressSchema.safeParse(order.shippingAddress ?? {});
  const country = address.success ? (address.data.countryCode ?? address.data.country_code ?? null) : null;
  const rawPhone = order.phone ?? (address.success ? address.data.phone : null);
  if (!rawPhone) return skip("the order has no phone number");
  const phone = toE164Digits(rawPhone, country);
  if (!phone) return skip("the order's phone number cannot be put in international form");

  // Body parameters in a fixed order: the merchant's template uses {{1}}..{{4}} in this order.
  const parameters =
    event === "shipped"
      ? [order.name, details.carrier ?? "", details.trackingNumber ?? "", details.trackingUrl ?? ""]
      : [order.name];
  const { messageId } = await queueMessage(db, {
    channel: "WHATSAPP",
    recipient: phone,
    template: TEMPLATE_OF[event],
    content: { templateName, language, parameters, event },
    dedupeKey: `whatsapp:${event}:${orderId}`,
    orderId,
  });
  return messageId;
}
