// What the approval pages show: plain objects, read-only (a GET never changes a row).
import type { ShopDatabase } from "../db/prisma.server";

export interface ApprovalView {
  id: string;
  status: string;
  requestedAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedByEmail: string | null;
  decidedById: string | null;
  decidedVia: string | null;
  reason: string | null;
  approverCount: number;
  riskNotes: Array<{ code: string; text: string }>;
  order: {
    id: string;
    name: string;
    status: string;
    total: string;
    currency: string;
    customerName: string | null;
    email: string | null;
    phone: string | null;
    shippingAddress: string | null;
    lines: Array<{ title: string; sku: string | null; quantity: number; price: string }>;
  };
}

function addressLine(value: unknown): string | null {
  if (!value || typeof value !== "object") return null;
  const a = value as Record<string, unknown>;
  const parts = ["address1", "address2", "city", "province", "zip", "country"].map((key) => a[key]).filter((part): part is string => typeof part === "string" && part !== "");
  return parts.length ? parts.join(", ") : null;
}

/** The approval of this shop, or null (another shop's id is simply not found). */
export async function getApprovalView(db: ShopDatabase, approvalId: string): Promise<ApprovalView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(approvalId)) return null;
  const row = await db.approval.findFirst({
    where: { id: approvalId },
    include: { order: { include: { lines: { orderBy: { externalLineId: "asc" } } } } },
  });
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decidedByEmail: row.decidedByEmail,
    decidedById: row.decidedById,
    decidedVia: row.decidedVia,
    reason: row.reason,
    approverCount: row.approverEmails.length,
    riskNotes: (row.riskNotes as Array<{ code: string; text: string }> | null) ?? [],
    order: {
      id: row.order.id,
      name: row.order.name,
      status: row.order.status,
      total: row.order.totalPrice.toFixed(2),
      currency: row.order.currency,
      customerName: row.order.customerName,
      email: row.order.email,
      phone: row.order.phone,
      shippingAddress: addressLine(row.order.shippingAddress),
      lines: row.order.lines.map((line) => ({ title: line.title, sku: line.sku, quantity: line.quantity, price: line.price.toFixed(2) })),
    },
  };
}

export interface ApprovalListRow {
  id: string;
  status: string;
  requestedAt: string;
  decidedAt: string | null;
  decidedByEmail: string | null;
  decidedVia: string | null;
  orderName: string;
  total: string;
  currency: string;
  customerName: string | null;
  riskCount: number;
}

const listSelect = {
  id: true,
  status: true,
  requestedAt: true,
  decidedAt: true,
  decidedByEmail: true,
  decidedVia: true,
  riskNotes: true,
  order: { select: { name: true, totalPrice: true, currency: true, customerName: true } },
} as const;

type ListRecord = {
  id: string;
  status: string;
  requestedAt: Date;
  decidedAt: Date | null;
  decidedByEmail: string | null;
  decidedVia: string | null;
  riskNotes: unknown;
  order: { name: string; totalPrice: { toFixed(digits: number): string }; currency: string; customerName: string | null };
};

const toRow = (row: ListRecord): ApprovalListRow => ({
  id: row.id,
  status: row.status,
  requestedAt: row.requestedAt.toISOString(),
  decidedAt: row.decidedAt?.toISOString() ?? null,
  decidedByEmail: row.decidedByEmail,
  decidedVia: row.decidedVia,
  orderName: row.order.name,
  total: row.order.totalPrice.toFixed(2),
  currency: row.order.currency,
  customerName: row.order.customerName,
  riskCount: Array.isArray(row.riskNotes) ? row.riskNotes.length : 0,
});

/** Pending approvals oldest first (who waited longest on top), and the most recently decided. */
export async function listApprovals(db: ShopDatabase, limits = { pending: 100, decided: 20 }) {
  const [pending, decided] = await Promise.all([
    db.approval.findMany({ where: { status: "PENDING" }, orderBy: [{ requestedAt: "asc" }, { id: "asc" }], take: limits.pending, select: listSelect }),
    db.approval.findMany({ where: { status: { not: "PENDING" } }, orderBy: [{ decidedAt: "desc" }, { id: "desc" }], take: limits.decided, select: listSelect }),
  ]);
  return { pending: pending.map(toRow), decided: decided.map(toRow) };
}
