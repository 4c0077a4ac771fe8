// The web pixel slice of the Admin API: webPixelCreate / webPixelUpdate / webPixel, one pixel
// per app per shop. Shopify checks the settings against the settings definition of the app's
// deployed web_pixel_extension; the emulator holds that definition (default: the fields the
// app's pixel declares) and answers ErrorsWebPixelUserError codes as Shopify documents them.
import type { EmulatedShop } from "./state";

export interface PixelSettingsField {
  type: "single_line_text_field";
  /** A `min` validation: the shortest accepted value. */
  min?: number;
}

/** The deployed extension's `[settings]` fields; null: the app has no pixel extension deployed. */
export type PixelSettingsDefinition = Record<string, PixelSettingsField> | null;

/** What extensions/rappit-pixel/shopify.extension.toml declares (kept in step by a unit test). */
export const DEFAULT_PIXEL_SETTINGS: PixelSettingsDefinition = {
  accountID: { type: "single_line_text_field", min: 1 },
  endpoint: { type: "single_line_text_field", min: 1 },
};

type UserError = { field: string[]; message: string; code: string };
const failure = (error: UserError) => ({ webPixel: null, userErrors: [error] });

/** The settings as Shopify takes them (a JSON-encoded string, or an object), checked. */
function checkSettings(raw: unknown, definition: PixelSettingsDefinition): { settings: string } | { error: UserError } {
  const field = ["webPixel", "settings"];
  if (!definition) return { error: { field, message: "No web pixel extension found for this app.", code: "NO_EXTENSION" } };
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return { error: { field, message: "The provided settings is not a valid JSON.", code: "INVALID_CONFIGURATION_JSON" } };
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: { field, message: "The provided settings is not a valid JSON.", code: "INVALID_CONFIGURATION_JSON" } };
  }
  const settings = value as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!(key in definition)) return { error: { field, message: `Setting '${key}' is not defined by the extension.`, code: "INVALID_SETTINGS" } };
  }
  for (const [key, spec] of Object.entries(definition)) {
    const given = settings[key];
    if (given !== undefined && typeof given !== "string") {
      return { error: { field, message: `Setting '${key}' must be a string.`, code: "INVALID_SETTINGS" } };
    }
    if (spec.min !== undefined && (given ?? "").length < spec.min) {
      return { error: { field, message: `Setting '${key}' is too short (minimum is ${spec.min} characters).`, code: "INVALID_SETTINGS" } };
    }
  }
  return { settings: JSON.stringify(settings) };
}

let nextPixelId = 1;

export function webPixelResolvers(shop: EmulatedShop, definition: PixelSettingsDefinition) {
  return {
    // With no id: the calling app's pixel. Shopify answers a top-level error when there is none.
    webPixel: ({ id }: { id?: string | null }) => {
      if (!shop.webPixel || (id && id !== shop.webPixel.id)) throw new Error("No web pixel was found for this app.");
      return shop.webPixel;
    },
    webPixelCreate: ({ webPixel }: { webPixel: { settings: unknown } }) => {
      if (shop.webPixel) return failure({ field: ["webPixel"], message: "The app already has a web pixel on this shop.", code: "TAKEN" });
      const checked = checkSettings(webPixel.settings, definition);
      if ("error" in checked) return failure(checked.error);
      shop.webPixel = { id: `gid://shopify/WebPixel/${Date.now()}${nextPixelId++}`, settings: checked.settings };
      return { webPixel: shop.webPixel, userErrors: [] };
    },
    webPixelUpdate: ({ id, webPixel }: { id: string; webPixel: { settings: unknown } }) => {
      if (!shop.webPixel || shop.webPixel.id !== id) return failure({ field: ["id"], message: "Web pixel does not exist.", code: "NOT_FOUND" });
      const checked = checkSettings(webPixel.settings, definition);
      if ("error" in checked) return failure(checked.error);
      shop.webPixel.settings = checked.settings;
      return { webPixel: shop.webPixel, userErrors: [] };
    },
  };
}
