// Where and as whom WhatsApp messages are sent: from the configuration, never logged.
import type { AppConfig } from "../../config/env.server";

export const WHATSAPP_DEFAULT_ORIGIN = "https://graph.facebook.com";

export interface WhatsappSettings {
  origin: string;
  version: string;
  phoneNumberId: string;
  token: string;
  timeoutMs: number;
}

type WhatsappConfig = Pick<AppConfig, "WHATSAPP_TOKEN" | "WHATSAPP_PHONE_NUMBER_ID" | "WHATSAPP_API_VERSION" | "WHATSAPP_API_ORIGIN">;

export function whatsappConfigured(config: Pick<AppConfig, "WHATSAPP_TOKEN" | "WHATSAPP_PHONE_NUMBER_ID">): boolean {
  return Boolean(config.WHATSAPP_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID);
}

/** The sending settings, or null when WhatsApp is not set up. */
export function whatsappSettingsFrom(config: WhatsappConfig): WhatsappSettings | null {
  if (!config.WHATSAPP_TOKEN || !config.WHATSAPP_PHONE_NUMBER_ID) return null;
  return {
    origin: (config.WHATSAPP_API_ORIGIN ?? WHATSAPP_DEFAULT_ORIGIN).replace(/\/+$/, ""),
    version: config.WHATSAPP_API_VERSION,
    phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
    token: config.WHATSAPP_TOKEN,
    timeoutMs: 10_000,
  };
}
