// refunds/create payload → refund lines. Pure.
import { z } from "zod";

const id = z.union([z.string(), z.number()]).transform(String);

export const refundSchema = z.object({
  id,
  order_id: id,
  refund_line_items: z
    .array(
      z.object({
        id,
        line_item_id: id,
        quantity: z.number().int().min(0),
        restock_type: z.string(),
        line_item: z.object({ sku: z.string().nullable().optional() }).loose().nullable().optional(),
      }),
    )
    .default([]),
});

export function refundLinesFromWebhook(payload: unknown) {
  const refund = refundSchema.parse(payload);
  return refund.refund_line_items.map((line) => ({
    externalOrderId: refund.order_id,
    externalRefundId: refund.id,
    externalRefundLineId: line.id,
    externalLineId: line.line_item_id,
    quantity: line.quantity,
    restockType: line.restock_type,
    sku: line.line_item?.sku?.trim() || null,
  }));
}
