// Plain emails about an order (approved, rejected, shipped), for shops that message buyers
// by email; content: {orderName, carrier?, trackingNumber?, trackingUrl?}. Pure: no I/O.
import type { MessageTemplate } from "../message-types";
import type { EmailRenderer, RenderableMessage, RenderedEmail } from "./index.server";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);

function email(subject: string, paragraphs: string[]): RenderedEmail {
  return {
    subject,
    text: paragraphs.join("\n\n"),
    html: `<!doctype html><html><body>${paragraphs.map((line) => `<p>${escapeHtml(line)}</p>`).join("")}</body></html>`,
  };
}

export function renderOrderEmail(message: Pick<RenderableMessage, "template" | "content">): RenderedEmail {
  const order = text(message.content.orderName) ?? "your order";
  switch (message.template) {
    case "order-approved":
      return email(`Order ${order} confirmed`, [`Your order ${order} is confirmed and will ship soon.`]);
    case "order-rejected":
      return email(`Order ${order} cancelled`, [`Your order ${order} was cancelled. Contact the store if this is unexpected.`]);
    case "order-shipped": {
      const carrier = text(message.content.carrier);
      const tracking = text(message.content.trackingNumber);
      const url = text(message.content.trackingUrl);
      return email(`Order ${order} shipped`, [
        `Your order ${order} is on its way${carrier ? ` with ${carrier}` : ""}.`,
        ...(tracking ? [`Tracking number: ${tracking}`] : []),
        ...(url ? [`Track it: ${url}`] : []),
      ]);
    }
    default:
      throw new Error(`not an order email template: ${message.template}`);
  }
}

const asRenderer: EmailRenderer = (_db, message) => Promise.resolve(renderOrderEmail(message));

export const orderEmailRenderers: Partial<Record<MessageTemplate, EmailRenderer>> = {
  "order-approved": asRenderer,
  "order-rejected": asRenderer,
  "order-shipped": asRenderer,
};
