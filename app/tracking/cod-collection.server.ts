// Cash on delivery is collected at the door: once the carrier says delivered, the order is
// marked paid on its channel (Shopify orderMarkAsPaid; WooCommerce paid date, kept completed)
// and Rappit records it once, audited COD_COLLECTED. The channel call comes first and is
// safe to repeat: an order the channel already has as paid counts as done.
import type { Logger } from "pino";
import { wooClientFor } from "../channels/woocommerce/credentials.server";
import type { ShopDatabase } from "../db/prisma.server";
import { orderGid, ShopifyUserError } from "../fulfillment/shopify-writeback.server";
import { recordAudit, type AuditEntry } from "../security/audit.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { pacedRequest } from "../shopify/paced-graphql.server";

const MARK_PAID = `#graphql
  mutation RappitMarkPaid($input: OrderMarkAsPaidInput!) {
    orderMarkAsPaid(input: $input) { order { id displayFinancialStatus } userErrors { field message } }
  }`;

const FINANCIAL_STATUS = `#graphql
  query RappitFinancialStatus($id: ID!) { order(id: $id) { id displayFinancialStatus } }`;

export class NotCollectableError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "NotCollectableError";
  }
}

/** Marks one COD order's cash as collected; false when it already was. */
export async function collectCod(db: ShopDatabase, orderId: string, actor: AuditEntry["actor"], logger: Logger): Promise<boolean> {
  const order = await db.order.findFirst({ where: { id: orderId }, include: { channel: true } });
  if (!order) throw new NotCollectableError("Rappit has no such order in this shop");
  if (!order.cod) throw new NotCollectableError(`Order ${order.name} is not cash on delivery`);
  if (order.cancelledAt) throw new NotCollectableError(`Order ${order.name} is cancelled`);
  if (order.codCollectedAt) return false;

  if (order.channel.type === "SHOPIFY") {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { domain: true } });
    const client = await offlineAdminClient(shop.domain);
    const reply = await pacedRequest<{ orderMarkAsPaid: { order: { displayFinancialStatus: string | null } | null; userErrors: Array<{ field: string[] | null; message: string }> } }>(
      client,
      MARK_PAID,
      { input: { id: orderGid(order.externalOrderId) } },
      logger,
    );
    const result = reply.data?.orderMarkAsPaid;
    if (result?.userErrors.length) {
      // Refused because it is paid already (an earlier attempt whose answer was lost): done.
      const now = await pacedRequest<{ order: { displayFinancialStatus: string | null } | null }>(client, FINANCIAL_STATUS, { id: orderGid(order.externalOrderId) }, logger);
      if (now.data?.order?.displayFinancialStatus !== "PAID") throw new ShopifyUserError("mark the order as paid", result.userErrors);
    }
  } else {
    await wooClientFor(order.channel).markOrderPaid(order.externalOrderId);
  }

  return db.$transaction(async (tx) => {
    const collectedAt = new Date();
    const { count } = await tx.order.updateMany({ where: { id: order.id, codCollectedAt: null }, data: { codCollectedAt: collectedAt, financialStatus: "paid" } });
    if (count === 0) return false;
    await recordAudit(tx, {
      actor,
      action: "COD_COLLECTED",
      subject: { type: "Order", id: order.id },
      before: { financialStatus: order.financialStatus },
      after: { financialStatus: "paid", codCollectedAt: collectedAt.toISOString() },
    });
    return true;
  });
}

/** Collects every delivered, uncollected COD order of the shop (the poll calls it after new events). */
export async function collectDeliveredCod(db: ShopDatabase, logger: Logger): Promise<number> {
  const delivered = await db.shipment.findMany({
    where: { trackingStatus: "DELIVERED", status: "PURCHASED", order: { cod: true, codCollectedAt: null, cancelledAt: null } },
    select: { orderId: true },
    take: 200,
  });
  let collected = 0;
  for (const { orderId } of delivered) {
    if (await collectCod(db, orderId, { type: "WORKER", id: "tracking" }, logger)) collected += 1;
  }
  return collected;
}
