// A rejected COD order is cancelled on its sales channel: Shopify's orderCancel (nothing
// was paid, so no refund; the stock restocked; the buyer notified by Rappit, not Shopify)
// or WooCommerce's order status "cancelled". Both are safe to repeat.
import type { Logger } from "pino";
import { getConfig } from "../config/env.server";
import { getPrisma } from "../db/prisma.server";
import { openCredentials } from "../channels/woocommerce/credentials.server";
import { createWooTransport } from "../channels/woocommerce/transport.server";
import { publicInternetDispatcher } from "../security/public-address.server";
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
    const allowInsecure = getConfig().WOOCOMMERCE_ALLOW_INSECURE_STORES;
    const transport = createWooTransport(
      { url: order.channel.externalId, credentials: openCredentials(order.channel) },
      { allowInsecure, dispatcher: allowInsecure ? undefined : publicInternetDispatcher() },
    );
    if (!/^\d+$/.test(order.externalOrderId)) throw new ChannelCancelError(`not a WooCommerce order id: ${order.externalOrderId}`);
    // WooCommerce restores the stock of a cancelled order by itself.
    await transport.request("PUT", `/orders/${order.externalOrderId}`, { body: { status: "cancelled" } });
    return "cancelled";
  }
  throw new ChannelCancelError(`cannot cancel orders of a ${order.channel.type} channel`);
}
