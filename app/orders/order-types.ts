// Our channel-neutral order, what every channel's mapping produces.
export interface NormalizedOrderLine {
  externalLineId: string;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
}

export interface NormalizedOrder {
  externalOrderId: string;
  name: string;
  customerExternalId: string | null;
  customerName: string | null;
  email: string | null;
  phone: string | null;
  shippingAddress: Record<string, unknown> | null;
  paymentGateway: string | null;
  cod: boolean;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  totalPrice: string;
  currency: string;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lines: NormalizedOrderLine[];
  /** False when the source listed only some lines (a paged GraphQL connection): keep the others. */
  linesComplete: boolean;
}

/** Manual "Cash on Delivery (COD)" gateways and WooCommerce's `cod` method. */
export function isCashOnDelivery(gateway: string | null | undefined): boolean {
  return Boolean(gateway && /cash on delivery|\bcod\b/i.test(gateway));
}
