// POST /{version}/{phone-number-id}/messages: the Cloud API's answers for template sends.
// Errors are Graph errors: {error:{message, type, code, error_subcode?, error_data?, fbtrace_id}}.
import { randomBytes } from "node:crypto";
import type { WhatsappState } from "./state";

export interface Reply {
  status: number;
  body: unknown;
}

const fbtrace = () => randomBytes(9).toString("base64url");

export function graphError(status: number, code: number, message: string, type = "OAuthException", subcode?: number, details?: string): Reply {
  return {
    status,
    body: {
      error: {
        message,
        type,
        code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}),
        fbtrace_id: fbtrace(),
      },
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A wamid in Meta's shape: "wamid." and a base64 blob. */
export function newWamid(): string {
  return `wamid.${Buffer.from(`HBgL${randomBytes(18).toString("hex").toUpperCase()}`).toString("base64")}`;
}

export function sendReply(state: WhatsappState, phoneNumberId: string, authorization: string | undefined, raw: string): Reply {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return graphError(401, 190, "An access token is required to request this resource.");
  if (token !== state.token) return graphError(401, 190, "Invalid OAuth access token - Cannot parse access token");
  if (phoneNumberId !== state.phoneNumberId) {
    return graphError(400, 100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, "GraphMethodException", 33);
  }
  const fault = state.failNext;
  if (fault && fault.count > 0) {
    fault.count -= 1;
    if (fault.count === 0) state.failNext = null;
    return graphError(fault.status, fault.code, fault.message, fault.type, fault.subcode);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return graphError(400, 100, "(#100) The parameter messaging_product is required.", "OAuthException");
  }
  if (!isRecord(body) || body.messaging_product !== "whatsapp") return graphError(400, 100, "(#100) The parameter messaging_product is required.");
  const to = body.to;
  if (typeof to !== "string" || !/^\+?\d{8,15}$/.test(to)) return graphError(400, 100, "(#100) Invalid parameter", "OAuthException", undefined, "to: invalid phone number");
  if (body.type !== "template") return graphError(400, 100, "(#100) Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}");
  const template = isRecord(body.template) ? body.template : null;
  const name = template?.name;
  const language = isRecord(template?.language) ? template.language.code : undefined;
  if (typeof name !== "string" || name === "") return graphError(400, 100, "(#100) The parameter template['name'] is required.");
  if (typeof language !== "string" || language === "") return graphError(400, 100, "(#100) The parameter template['language']['code'] is required.");
  const digits = to.replace(/^\+/, "");
  if (state.allowedRecipients.size > 0 && !state.allowedRecipients.has(digits)) {
    return graphError(400, 131030, "(#131030) Recipient phone number not in allowed list", "OAuthException", undefined, "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.");
  }
  const components = Array.isArray(template?.components) ? template.components.filter(isRecord) : [];
  const bodyComponent = components.find((component) => component.type === "body");
  const parameters = Array.isArray(bodyComponent?.parameters)
    ? bodyComponent.parameters.filter(isRecord).map((parameter) => String(parameter.text ?? ""))
    : [];
  const wamid = newWamid();
  state.sent.push({ wamid, to: digits, templateName: name, language, parameters, body, at: new Date().toISOString() });
  return {
    status: 200,
    body: { messaging_product: "whatsapp", contacts: [{ input: to, wa_id: digits }], messages: [{ id: wamid, message_status: "accepted" }] },
  };
}
