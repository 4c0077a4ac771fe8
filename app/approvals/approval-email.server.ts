// The approval-request email: order, total, customer, lines, risk notes and the link into
// the embedded app. The link's token is minted here, when the message is sent, so no
// token is ever stored in a message row; a resend mints a new one. Registered with the
// notifications template registry (this module is loaded by the workers' job handlers).
import type { ShopDatabase } from "../db/prisma.server";
import { MessageNotSendableError } from "../notifications/message-errors";
import { registerEmailRenderer, type RenderableMessage, type RenderedEmail } from "../notifications/templates/index.server";
import { approvalLink, mintApprovalToken } from "./tokens.server";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

interface RiskNoteView {
  text: string;
}

export async function renderApprovalRequest(db: ShopDatabase, message: RenderableMessage): Promise<RenderedEmail> {
  if (!message.approvalId) throw new MessageNotSendableError("an approval-request message needs its approval");
  const approval = await db.approval.findFirst({
    where: { id: message.approvalId },
    include: { order: { include: { lines: { orderBy: { externalLineId: "asc" } } } } },
  });
  if (!approval) throw new MessageNotSendableError("the approval no longer exists");
  // A decided approval needs no email: sending a link that can only answer 409 helps nobody.
  if (approval.status !== "PENDING") throw new MessageNotSendableError(`the approval is already ${approval.status.toLowerCase()}`);
  const shop = await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { domain: true } });
  const { token, expiresAt } = await mintApprovalToken(db, { shopDomain: shop.domain, approvalId: approval.id, email: message.recipient });
  const link = approvalLink(shop.domain, approval.id, token);

  const order = approval.order;
  const total = `${order.totalPrice.toFixed(2)} ${order.currency}`;
  const customer = [order.customerName, order.email, order.phone].filter(Boolean).join(", ") || "unknown customer";
  const lines = order.lines.map((line) => `${line.quantity} × ${line.title}${line.sku ? ` (${line.sku})` : ""}: ${line.price.toFixed(2)} ${order.currency}`);
  const risks = ((approval.riskNotes as RiskNoteView[] | null) ?? []).map((note) => note.text);
  const subject = `Approve cash-on-delivery order ${order.name} (${total})`;
  const until = expiresAt.toISOString().replace("T", " ").slice(0, 16) + " UTC";

  const text = [
    `Cash-on-delivery order ${order.name} is waiting for your approval.`,
    `Total: ${total}\nCustomer: ${customer}`,
    `Items:\n${lines.map((line) => `- ${line}`).join("\n") || "- (no lines)"}`,
    risks.length ? `Worth a look:\n${risks.map((risk) => `- ${risk}`).join("\n")}` : "No risk notes.",
    `Review and approve or reject it in Shopify admin (the link works until ${until} and only for you):\n${link}`,
  ].join("\n\n");
  const html = [
    "<!doctype html><html><body>",
    `<p>Cash-on-delivery order <strong>${escapeHtml(order.name)}</strong> is waiting for your approval.</p>`,
    `<p>Total: <strong>${escapeHtml(total)}</strong><br>Customer: ${escapeHtml(customer)}</p>`,
    `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>`,
    risks.length ? `<p>Worth a look:</p><ul>${risks.map((risk) => `<li>${escapeHtml(risk)}</li>`).join("")}</ul>` : "<p>No risk notes.</p>",
    `<p><a href="${escapeHtml(link)}">Review order ${escapeHtml(order.name)} in Shopify admin</a></p>`,
    `<p>The link works until ${escapeHtml(until)} and only for you. Opening it changes nothing: you decide on the page.</p>`,
    "</body></html>",
  ].join("");
  return { subject, text, html };
}

registerEmailRenderer("approval-request", renderApprovalRequest);
