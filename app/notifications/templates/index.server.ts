// What each template becomes on the wire. A message row stores only the template name
// and its content (never a secret); rendering happens in the send job, so a link minted
// for the message (an approval link) is fresh at send time and never stored.
//
// EMAIL: a renderer per template, `(db, message) => {subject, text, html}`.
//   `emailRenderers` is the registry. Another module plugs its template in with one line,
//   e.g. in app/approvals: `registerEmailRenderer("approval-request", renderApprovalRequest)`;
//   the module must be imported by app/jobs/job-handlers.server.ts so workers load it.
//   A template with no renderer fails its job at once with a clear error.
// WHATSAPP: the content itself is the template call: {templateName, language, parameters}.
import { z } from "zod";
import type { ShopDatabase } from "../../db/prisma.server";
import { MessageNotSendableError } from "../message-errors";
import type { MessageTemplate } from "../message-types";
import { orderEmailRenderers } from "./order-emails";

/** What a renderer gets: the stored message (the content is the template's input). */
export interface RenderableMessage {
  id: string;
  shopId: string;
  orderId: string | null;
  approvalId: string | null;
  recipient: string;
  template: MessageTemplate;
  content: Record<string, unknown>;
  /** Send attempts so far, the current one included. */
  attempts: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export type EmailRenderer = (db: ShopDatabase, message: RenderableMessage) => Promise<RenderedEmail>;

/** Email renderers by template. The order-* ones live in this folder; others register theirs. */
export const emailRenderers: Partial<Record<MessageTemplate, EmailRenderer>> = { ...orderEmailRenderers };

export function registerEmailRenderer(template: MessageTemplate, renderer: EmailRenderer): void {
  emailRenderers[template] = renderer;
}

export async function renderEmail(db: ShopDatabase, message: RenderableMessage): Promise<RenderedEmail> {
  const renderer = emailRenderers[message.template];
  if (!renderer) {
    throw new MessageNotSendableError(
      `No email renderer for template "${message.template}": register one with registerEmailRenderer() in a module the workers load`,
    );
  }
  return renderer(db, message);
}

/** The content of a WhatsApp message: an approved template of the shop and its body parameters. */
export const whatsappContentSchema = z.object({
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  parameters: z.array(z.string().max(1024)).max(20).default([]),
});
export type WhatsappContent = z.infer<typeof whatsappContentSchema>;

export function whatsappTemplateOf(message: RenderableMessage): WhatsappContent {
  const parsed = whatsappContentSchema.safeParse(message.content);
  if (!parsed.success) {
    throw new MessageNotSendableError(
      `WhatsApp message content is not a template call ({templateName, language, parameters}): ${parsed.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}
