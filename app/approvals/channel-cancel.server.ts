// A rejected COD order is cancelled on its sales channel: Shopify's orderCancel (nothing
// was paid, so no refund; the stock restocked; the buyer notified by Rappit, not Shopify)
// or WooCommerce's order status "cancelled". Both are safe to repeat.
import type { Logger } from "pino";
import { getPrisma } from "../db/prisma.server";
import { wooClientFor } from "../channels/woocommerce/credentials.server";
import { pacedRequest } from "../shopify/paced-graphql.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";

// 2026-10: refundMethod replaces the deprecated `refund: Boolean!`.
const ORDER_CANCEL = `#graphql
  mutation RappitRejectOrder($orderId: ID!, $reason: OrderCancelReason!, $staffNote: String) {
    orderCancel(
      orderId: $orderId
      reason: $reason
      refundMethod: { originalPaymentMethodsRefund: false }
      restock: true
      notifyCustomer: false
      staffNote: $staffNote
    ) {
      job { id done }
      orderCancelUserErrors { field message code }
    }
  }`;

interface CancelReply {
  orderCancel: { job: { id: string } | null; orderCancelUserErrors: Array<{ message: string; code: string | null }> } | null;
}

export class ChannelCancelError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "ChannelCancelError";
  }
}

interface OrderForCancel {
  externalOrderId: string;
  channel: { id: string; type: string; externalId: string; credentials: string | null };
}

export async function cancelOnChannel(shopId: string, order: OrderForCancel, reason: string | null, logger: Logger): Promise<"cancelled" | "already"> {
  if (order.channel.type === "SHOPIFY") {
    const shop = await getPrisma().shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
    const client = await offlineAdminClient(shop.domain);
    const reply = await pacedRequest<CancelReply>(
      client,
      ORDER_CANCEL,
      {
        orderId: `gid://shopify/Order/${order.externalOrderId}`,
        reason: "DECLINED",
        staffNote: `Cash on delivery rejected in Rappit${reason ? `: ${reason}` : ""}`.slice(0, 255),
      },
      logger,
    );
    const errors = reply.data?.orderCancel?.orderCancelUserErrors ?? [];
    if (errors.length === 0) return "cancelled";
    if (errors.every((error) => error.code === "ORDER_ALREADY_CANCELLED")) return "already";
    throw new ChannelCancelError(`Shopify refused to cancel the order: ${errors.map((error) => error.message).join("; ")}`);
  }
  if (order.channel.type === "WOOCOMMERCE") {
    if (!/^\d+$/.test(order.externalOrderId)) throw new ChannelCancelError(`not a WooCommerce order id: ${order.externalOrderId}`);
    await wooClientFor(order.channel).cancelOrder(order.externalOrderId);
    return "cancelled";
  }
  throw new ChannelCancelError(`cannot cancel orders of a ${order.channel.type} channel`);
}
