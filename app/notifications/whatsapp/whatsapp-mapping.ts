// Pure: a template call to the Cloud API's message body, and the send answer to the wamid.
import { z } from "zod";

export interface TemplateCall {
  /** E.164 digits, no "+". */
  to: string;
  templateName: string;
  language: string;
  parameters: string[];
}

export function templateMessageBody(call: TemplateCall) {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: call.to,
    type: "template",
    template: {
      name: call.templateName,
      language: { code: call.language, policy: "deterministic" },
      ...(call.parameters.length > 0
        ? { components: [{ type: "body", parameters: call.parameters.map((text) => ({ type: "text", text })) }] }
        : {}),
    },
  };
}

const sendAnswerSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });

/** The wamid of an accepted message, or null when the answer has none. */
export function wamidOf(body: unknown): string | null {
  const parsed = sendAnswerSchema.safeParse(body);
  return parsed.success ? parsed.data.messages[0].id : null;
}
