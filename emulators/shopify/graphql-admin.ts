// The slice of the GraphQL Admin API Rappit uses, with Shopify's cost throttle:
// every answer carries extensions.cost.throttleStatus, and a query costing more
// than what is left in the shop's bucket gets a THROTTLED error (HTTP 200).
import { buildSchema, graphql, parse, type DocumentNode, type FieldNode, type SelectionSetNode } from "graphql";
import { addFulfillmentEvent, cancel, fulfill, hold, releaseHolds, type EmulatedFulfillment, type EmulatedFulfillmentOrder, type FulfillmentEventInput } from "./fulfillment";
import { graphqlNode, matchesQuery, type EmulatedOrder } from "./orders";
import type { EmulatedInventoryItem } from "./inventory";
import type { EmulatedShop, ShopifyState } from "./state";
import { webPixelResolvers } from "./web-pixel";

const schema = buildSchema(`
  "Shopify's idempotency directive; mandatory on inventoryAdjustQuantities from 2026-04."
  directive @idempotent(key: String!) on FIELD
  input InventoryChangeInput { delta: Int! inventoryItemId: ID! locationId: ID! changeFromQuantity: Int }
  input InventoryAdjustQuantitiesInput { reason: String! name: String! referenceDocumentUri: String changes: [InventoryChangeInput!]! }
  type InventoryChange { name: String! delta: Int! quantityAfterChange: Int item: InventoryItemRef }
  type InventoryItemRef { id: ID! }
  type InventoryAdjustmentGroup { id: ID! reason: String! changes: [InventoryChange!]! }
  type InventoryUserError { field: [String!] message: String! code: String }
  type InventoryAdjustQuantitiesPayload { inventoryAdjustmentGroup: InventoryAdjustmentGroup userErrors: [InventoryUserError!]! }
  type InventoryQuantity { name: String! quantity: Int! }
  type InventoryLevel { id: ID! location: Location! quantities(names: [String!]!): [InventoryQuantity!]! }
  type InventoryLevelConnection { nodes: [InventoryLevel!]! }
  interface Node { id: ID! }
  type Product { id: ID! title: String! }
  type ProductVariant { id: ID! title: String! displayName: String! sku: String product: Product! }
  type InventoryItem implements Node {
    id: ID! sku: String tracked: Boolean! variant: ProductVariant
    inventoryLevels(first: Int): InventoryLevelConnection!
    "null when the item is not stocked at the location"
    inventoryLevel(locationId: ID!): InventoryLevel
  }
  type InventoryItemConnection { nodes: [InventoryItem!]! pageInfo: PageInfo! }
  "Shopify's JSON scalar: web pixel settings go in as a JSON-encoded string (or an object)."
  scalar JSON
  input WebPixelInput { settings: JSON! }
  type WebPixel { id: ID! settings: JSON! }
  enum ErrorsWebPixelUserErrorCode {
    BLANK INVALID_CONFIGURATION_JSON INVALID_RUNTIME_CONTEXT INVALID_SETTINGS INVALID_SETTINGS_DEFINITION
    NO_EXTENSION NOT_FOUND TAKEN UNEXPECTED_ERROR UNABLE_TO_DELETE
  }
  type ErrorsWebPixelUserError { field: [String!] message: String! code: ErrorsWebPixelUserErrorCode }
  type WebPixelCreatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
  type WebPixelUpdatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
  type Shop { id: ID! name: String! email: String! currencyCode: String! myshopifyDomain: String! }
  type Location { id: ID! name: String! isPrimary: Boolean! }
  type MoneyV2 { amount: String! currencyCode: String! }
  type MoneyBag { shopMoney: MoneyV2! }
  type Customer { id: ID! firstName: String lastName: String }
  type MailingAddress {
    firstName: String lastName: String company: String address1: String address2: String city: String
    province: String provinceCode: String country: String countryCodeV2: String zip: String phone: String
  }
  type LineItem { id: ID! sku: String title: String! quantity: Int! originalUnitPriceSet: MoneyBag! }
  type LineItemPageInfo { hasNextPage: Boolean! }
  type LineItemConnection { nodes: [LineItem!]! pageInfo: LineItemPageInfo! }
  type Order {
    id: ID! name: String! email: String phone: String createdAt: String! updatedAt: String!
    cancelledAt: String displayFinancialStatus: String displayFulfillmentStatus: String
    paymentGatewayNames: [String!]! totalPriceSet: MoneyBag! customer: Customer
    shippingAddress: MailingAddress lineItems(first: Int): LineItemConnection!
    fulfillmentOrders(first: Int): FulfillmentOrderConnection!
    fulfillments(first: Int): [Fulfillment!]!
  }
  type FulfillmentHold { id: ID! reason: FulfillmentHoldReason! reasonNotes: String handle: String }
  type FulfillmentOrderLineItem { id: ID! totalQuantity: Int! remainingQuantity: Int! sku: String lineItem: LineItemRef! }
  type LineItemRef { id: ID! }
  type FulfillmentOrderLineItemConnection { nodes: [FulfillmentOrderLineItem!]! }
  type FulfillmentOrder {
    id: ID! status: String! fulfillmentHolds: [FulfillmentHold!]!
    lineItems(first: Int): FulfillmentOrderLineItemConnection!
  }
  type FulfillmentOrderConnection { nodes: [FulfillmentOrder!]! }
  type TrackingInfo { company: String number: String url: String }
  type Fulfillment { id: ID! status: String! trackingInfo: [TrackingInfo!]! events(first: Int): FulfillmentEventConnection! }
  enum FulfillmentEventStatus {
    ATTEMPTED_DELIVERY CARRIER_PICKED_UP CONFIRMED DELAYED DELIVERED FAILURE IN_TRANSIT
    LABEL_PRINTED LABEL_PURCHASED OUT_FOR_DELIVERY PICKED_UP READY_FOR_PICKUP
  }
  type FulfillmentEvent { id: ID! status: FulfillmentEventStatus! happenedAt: String message: String city: String province: String country: String }
  type FulfillmentEventConnection { nodes: [FulfillmentEvent!]! }
  input FulfillmentEventInput {
    fulfillmentId: ID! status: FulfillmentEventStatus! happenedAt: String message: String
    city: String province: String country: String zip: String address1: String estimatedDeliveryAt: String
  }
  type FulfillmentEventCreatePayload { fulfillmentEvent: FulfillmentEvent userErrors: [UserError!]! }
  input OrderMarkAsPaidInput { id: ID! }
  type OrderMarkAsPaidPayload { order: Order userErrors: [UserError!]! }
  type UserError { field: [String!] message: String! }
  type OrderCancelUserError { field: [String!] message: String! code: String }
  type Job { id: ID! done: Boolean! }
  enum FulfillmentHoldReason {
    AWAITING_PAYMENT AWAITING_RETURN_ITEMS HIGH_RISK_OF_FRAUD INCORRECT_ADDRESS
    INVENTORY_OUT_OF_STOCK ONLINE_STORE_POST_PURCHASE_CROSS_SELL UNKNOWN_DELIVERY_DATE OTHER
  }
  enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
  input OrderCancelStoreCreditRefundInput { expiresAt: String }
  "2025-07+: replaces the deprecated refund: Boolean"
  input OrderCancelRefundMethodInput { originalPaymentMethodsRefund: Boolean storeCreditRefund: OrderCancelStoreCreditRefundInput }
  input FulfillmentOrderHoldInput {
    reason: FulfillmentHoldReason! reasonNotes: String handle: String notifyMerchant: Boolean
  }
  input FulfillmentOrderLineItemInput { id: ID! quantity: Int! }
  input FulfillmentOrderLineItemsInput { fulfillmentOrderId: ID! fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!] }
  input FulfillmentTrackingInput { company: String number: String url: String }
  input FulfillmentInput {
    lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
    notifyCustomer: Boolean trackingInfo: FulfillmentTrackingInput
  }
  type FulfillmentOrderHoldPayload { fulfillmentOrder: FulfillmentOrder fulfillmentHold: FulfillmentHold userErrors: [UserError!]! }
  type FulfillmentOrderReleaseHoldPayload { fulfillmentOrder: FulfillmentOrder userErrors: [UserError!]! }
  type FulfillmentCreatePayload { fulfillment: Fulfillment userErrors: [UserError!]! }
  type OrderCancelPayload { job: Job orderCancelUserErrors: [OrderCancelUserError!]! }
  type Mutation {
    fulfillmentOrderHold(id: ID!, fulfillmentHold: FulfillmentOrderHoldInput!): FulfillmentOrderHoldPayload
    fulfillmentOrderReleaseHold(id: ID!, holdIds: [ID!]): FulfillmentOrderReleaseHoldPayload
    fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
    fulfillmentEventCreate(fulfillmentEvent: FulfillmentEventInput!): FulfillmentEventCreatePayload
    orderMarkAsPaid(input: OrderMarkAsPaidInput!): OrderMarkAsPaidPayload
    inventoryAdjustQuantities(input: InventoryAdjustQuantitiesInput!): InventoryAdjustQuantitiesPayload
    webPixelCreate(webPixel: WebPixelInput!): WebPixelCreatePayload
    webPixelUpdate(id: ID!, webPixel: WebPixelInput!): WebPixelUpdatePayload
    orderCancel(orderId: ID!, reason: OrderCancelReason!, refund: Boolean, refundMethod: OrderCancelRefundMethodInput, restock: Boolean!, notifyCustomer: Boolean, staffNote: String): OrderCancelPayload
  }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type OrderConnection { nodes: [Order!]! pageInfo: PageInfo! }
  enum OrderSortKeys { UPDATED_AT CREATED_AT ID }
  type Query {
    shop: Shop!
    "With no id: the shop's primary location, as in the Admin API."
    location(id: ID): Location
    orders(first: Int!, after: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
    order(id: ID!): Order
    fulfillment(id: ID!): Fulfillment
    "query supports sku:<value>"
    inventoryItems(first: Int!, after: String, query: String): InventoryItemConnection!
    "Objects by global id, in the order asked; null for an id that does not exist"
    nodes(ids: [ID!]!): [Node]!
    "The calling app's web pixel (by id, or the app's own with none)"
    webPixel(id: ID): WebPixel
  }
`);

interface Bucket {
  available: number;
  updatedAt: number;
}

export const THROTTLE = { maximumAvailable: 2000, restoreRate: 100 };
/** Shopify refuses a single query whose requested cost is above this. */
export const MAX_QUERY_COST = 1000;

/**
 * Requested cost as Shopify counts it: 1 per object, scalars free, and a connection
 * (a field with `first`) costs 2 plus `first` times the cost of one of its nodes.
 */
function costOf(selection: SelectionSetNode | undefined, variables: Record<string, unknown> = {}): number {
  if (!selection) return 0;
  // A fragment on a type (`... on InventoryItem`) costs what it selects.
  const fragments = selection.selections.reduce(
    (sum, node) => sum + (node.kind === "InlineFragment" ? costOf(node.selectionSet, variables) : 0),
    0,
  );
  return fragments + selection.selections
    .filter((node): node is FieldNode => node.kind === "Field")
    .reduce((sum, field) => {
      if (!field.selectionSet) return sum;
      // nodes(ids:) costs like a connection of that many objects.
      const ids = field.arguments?.find((arg) => arg.name.value === "ids")?.value;
      if (ids) {
        const count = ids.kind === "ListValue" ? ids.values.length : ids.kind === "Variable" ? ((variables[ids.name.value] as unknown[] | undefined)?.length ?? 1) : 1;
        return sum + 2 + count * (1 + costOf(field.selectionSet, variables));
      }
      const first = field.arguments?.find((arg) => arg.name.value === "first")?.value;
      if (!first) return sum + 1 + costOf(field.selectionSet, variables);
      const size = first.kind === "IntValue" ? Number(first.value) : first.kind === "Variable" ? Number(variables[first.name.value] ?? 1) : 1;
      const nodes = field.selectionSet.selections.find(
        (child): child is FieldNode => child.kind === "Field" && child.name.value === "nodes",
      );
      return sum + 2 + size * (1 + costOf(nodes?.selectionSet, variables));
    }, 0);
}

function ordersPage(shop: EmulatedShop, args: { first: number; after?: string; query?: string; sortKey?: string; reverse?: boolean }) {
  const key = args.sortKey === "CREATED_AT" ? "createdAt" : args.sortKey === "ID" ? "id" : "updatedAt";
  const sorted = shop.orders
    .filter((order) => matchesQuery(order, args.query))
    .sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : String(a[key]) > String(b[key]) ? 1 : a.id - b.id));
  if (args.reverse) sorted.reverse();
  const start = args.after ? Number(Buffer.from(args.after, "base64").toString("utf8")) : 0;
  const page = sorted.slice(start, start + Math.min(args.first, 250));
  const end = start + page.length;
  return {
    nodes: page.map(orderNode),
    pageInfo: { hasNextPage: end < sorted.length, endCursor: page.length ? Buffer.from(String(end)).toString("base64") : null },
  };
}

export class AdminGraphql {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly state: ShopifyState) {}

  private bucket(shop: string): Bucket {
    const bucket = this.buckets.get(shop) ?? { available: THROTTLE.maximumAvailable, updatedAt: Date.now() };
    const refill = ((Date.now() - bucket.updatedAt) / 1000) * THROTTLE.restoreRate;
    bucket.available = Math.min(THROTTLE.maximumAvailable, bucket.available + refill);
    bucket.updatedAt = Date.now();
    this.buckets.set(shop, bucket);
    return bucket;
  }

  /** Empties a shop's bucket, so its next query is throttled (fault injection). */
  drain(shop: string): void {
    this.bucket(shop).available = 0;
  }

  async execute(shop: EmulatedShop, body: { query?: string; variables?: Record<string, unknown> }) {
    let document: DocumentNode;
    try {
      document = parse(String(body.query ?? ""));
    } catch (error) {
      return { errors: [{ message: (error as Error).message, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] };
    }
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    // Mutations cost 10 each, as Shopify counts them, on top of what they select.
    const isMutation = operation?.kind === "OperationDefinition" && operation.operation === "mutation";
    const requested = (isMutation ? 10 : 1) + costOf(operation && "selectionSet" in operation ? operation.selectionSet : undefined, body.variables);
    const bucket = this.bucket(shop.domain);
    const throttleStatus = () => ({
      maximumAvailable: THROTTLE.maximumAvailable,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: THROTTLE.restoreRate,
    });
    if (requested > MAX_QUERY_COST) {
      return {
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST } }],
      };
    }
    if (requested > bucket.available) {
      return {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
      };
    }
    bucket.available -= requested;
    const result = await graphql({
      schema,
      source: String(body.query),
      variableValues: body.variables,
      rootValue: {
        shop: () => ({ id: `gid://shopify/Shop/${shop.name}`, name: shop.name, email: shop.email, currencyCode: shop.currencyCode, myshopifyDomain: shop.domain }),
        location: ({ id }: { id?: string }) =>
          !id || id === shop.primaryLocationId
            ? { id: shop.primaryLocationId, name: "Main warehouse", isPrimary: true }
            : null,
        orders: (args: { first: number; after?: string; query?: string; sortKey?: string; reverse?: boolean }) =>
          ordersPage(shop, args),
        ...fulfillmentResolvers(shop, this.state),
        ...inventoryResolvers(shop, idempotencyKeyOf(document, body.variables)),
        ...webPixelResolvers(shop, this.state.webPixelSettings),
      },
    });
    // Shopify charges the requested cost up front and refunds down to the actual cost:
    // a connection that returns fewer nodes than `first` costs proportionally less.
    const orders = (result.data as { orders?: { nodes: unknown[] } } | undefined)?.orders;
    const first = Number(body.variables?.first ?? 0);
    const actual = orders && first > 0 ? Math.max(1, Math.ceil((requested * orders.nodes.length) / first)) : requested;
    bucket.available = Math.min(THROTTLE.maximumAvailable, bucket.available + (requested - actual));
    return {
      ...result,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } },
    };
  }
}

function fulfillmentNode(fulfillment: EmulatedFulfillment) {
  return { ...fulfillment, events: (args: { first?: number }) => ({ nodes: fulfillment.events.slice(0, args.first ?? 250) }) };
}

function foNode(fo: EmulatedFulfillmentOrder) {
  return {
    id: fo.id,
    status: fo.status,
    fulfillmentHolds: fo.holds,
    lineItems: () => ({
      nodes: fo.lineItems.map((line) => ({
        id: line.id,
        totalQuantity: line.totalQuantity,
        remainingQuantity: line.remainingQuantity,
        sku: line.sku,
        lineItem: { id: `gid://shopify/LineItem/${line.lineItemId}` },
      })),
    }),
  };
}

function orderNode(order: EmulatedOrder) {
  return {
    ...graphqlNode(order),
    fulfillmentOrders: () => ({ nodes: order.fulfillmentOrders.map(foNode) }),
    // Shopify's Order.fulfillments is a plain list, not a connection.
    fulfillments: (args: { first?: number }) => order.fulfillments.slice(0, args.first ?? 250).map(fulfillmentNode),
  };
}

function findFulfillmentOrder(shop: EmulatedShop, id: string) {
  for (const order of shop.orders) {
    const fo = order.fulfillmentOrders.find((candidate) => candidate.id === id);
    if (fo) return { order, fo };
  }
  return undefined;
}

const notFound = (field: string) => ({ userErrors: [{ field: [field], message: "Fulfillment order does not exist." }] });

/** The fulfillment and cancellation slice; every change bumps the order's updated_at, as Shopify does. */
function fulfillmentResolvers(shop: EmulatedShop, state: ShopifyState) {
  const touch = (order: EmulatedOrder) => state.updateOrder(shop.domain, order.id, {});
  return {
    order: ({ id }: { id: string }) => {
      const order = shop.orders.find((candidate) => `gid://shopify/Order/${candidate.id}` === id);
      return order ? orderNode(order) : null;
    },
    fulfillmentOrderHold: ({ id, fulfillmentHold }: { id: string; fulfillmentHold: { reason: string; reasonNotes?: string; handle?: string } }) => {
      const found = findFulfillmentOrder(shop, id);
      if (!found) return notFound("id");
      const result = hold(found.fo, fulfillmentHold);
      if (result.userErrors.length === 0) touch(found.order);
      return { fulfillmentOrder: foNode(found.fo), fulfillmentHold: "hold" in result ? result.hold : null, userErrors: result.userErrors };
    },
    fulfillmentOrderReleaseHold: ({ id, holdIds }: { id: string; holdIds?: string[] }) => {
      const found = findFulfillmentOrder(shop, id);
      if (!found) return notFound("id");
      const result = releaseHolds(found.fo, holdIds);
      if (result.userErrors.length === 0) touch(found.order);
      return { fulfillmentOrder: foNode(found.fo), userErrors: result.userErrors };
    },
    fulfillmentCreate: ({ fulfillment }: { fulfillment: { lineItemsByFulfillmentOrder: Array<{ fulfillmentOrderId: string }>; notifyCustomer?: boolean; trackingInfo?: { company?: string; number?: string; url?: string } } }) => {
      const targets = fulfillment.lineItemsByFulfillmentOrder.map((entry) => findFulfillmentOrder(shop, entry.fulfillmentOrderId));
      if (targets.length === 0 || targets.some((target) => !target)) return { fulfillment: null, ...notFound("fulfillment") };
      const order = targets[0]!.order;
      const result = fulfill(order, targets.map((target) => target!.fo), fulfillment);
      if (result.userErrors.length === 0) touch(order);
      return { fulfillment: result.fulfillment ? fulfillmentNode(result.fulfillment) : null, userErrors: result.userErrors };
    },
    fulfillment: ({ id }: { id: string }) => {
      const fulfillment = shop.orders.flatMap((order) => order.fulfillments).find((candidate) => candidate.id === id);
      return fulfillment ? fulfillmentNode(fulfillment) : null;
    },
    fulfillmentEventCreate: ({ fulfillmentEvent }: { fulfillmentEvent: FulfillmentEventInput }) => {
      const order = shop.orders.find((candidate) => candidate.fulfillments.some((f) => f.id === fulfillmentEvent.fulfillmentId));
      const fulfillment = order?.fulfillments.find((f) => f.id === fulfillmentEvent.fulfillmentId);
      if (!order || !fulfillment) return { fulfillmentEvent: null, userErrors: [{ field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." }] };
      const event = addFulfillmentEvent(fulfillment, fulfillmentEvent);
      touch(order);
      return { fulfillmentEvent: event, userErrors: [] };
    },
    orderMarkAsPaid: ({ input }: { input: { id: string } }) => {
      const order = shop.orders.find((candidate) => `gid://shopify/Order/${candidate.id}` === input.id);
      if (!order) return { order: null, userErrors: [{ field: ["input", "id"], message: "Order does not exist." }] };
      // Shopify refuses an order with nothing outstanding (already paid, or cancelled).
      if (order.financialStatus === "paid" || order.cancelledAt) return { order: orderNode(order), userErrors: [{ field: ["input", "id"], message: "Order cannot be marked as paid." }] };
      order.financialStatus = "paid";
      order.markedPaid = (order.markedPaid ?? 0) + 1;
      touch(order);
      return { order: orderNode(order), userErrors: [] };
    },
    orderCancel: ({ orderId, reason, refund, refundMethod, restock, notifyCustomer, staffNote }: { orderId: string; reason: string; refund?: boolean | null; refundMethod?: { originalPaymentMethodsRefund?: boolean | null } | null; restock: boolean; notifyCustomer?: boolean | null; staffNote?: string }) => {
      const order = shop.orders.find((candidate) => `gid://shopify/Order/${candidate.id}` === orderId);
      if ((refund === undefined || refund === null) === (refundMethod === undefined || refundMethod === null)) {
        return { job: null, orderCancelUserErrors: [{ field: ["refundMethod"], message: "Specify exactly one of refund or refundMethod.", code: "INVALID" }] };
      }
      if (!order) return { job: null, orderCancelUserErrors: [{ field: ["orderId"], message: "Order does not exist.", code: "NOT_FOUND" }] };
      const errors = cancel(order, { reason, restock, staffNote });
      if (errors.length === 0) {
        order.staffNote = staffNote;
        order.cancelOptions = { refund: Boolean(refund ?? refundMethod?.originalPaymentMethodsRefund), notifyCustomer: Boolean(notifyCustomer) };
        touch(order);
      }
      return { job: errors.length ? null : { id: `gid://shopify/Job/${order.id}`, done: true }, orderCancelUserErrors: errors };
    },
  };
}

/** The key of an @idempotent(key: ...) directive on the operation's first field, literal or variable. */
function idempotencyKeyOf(document: DocumentNode, variables: Record<string, unknown> = {}): string | undefined {
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
  const field = operation && "selectionSet" in operation ? (operation.selectionSet.selections[0] as FieldNode | undefined) : undefined;
  const argument = field?.directives?.find((d) => d.name.value === "idempotent")?.arguments?.find((a) => a.name.value === "key")?.value;
  if (argument?.kind === "StringValue") return argument.value;
  if (argument?.kind === "Variable") return variables[argument.name.value] as string | undefined;
  return undefined;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

function inventoryResolvers(shop: EmulatedShop, idempotencyKey: string | undefined) {
  const levelNode = (item: EmulatedInventoryItem, locationId: string, quantity: number) => ({
    id: `gid://shopify/InventoryLevel/${numericId(locationId)}?inventory_item_id=${numericId(item.id)}`,
    location: { id: locationId, name: locationId === shop.primaryLocationId ? "Main warehouse" : "Location", isPrimary: locationId === shop.primaryLocationId },
    quantities: ({ names }: { names: string[] }) => names.filter((name) => name === "available").map((name) => ({ name, quantity })),
  });
  const itemNode = (item: EmulatedInventoryItem) => ({
    __typename: "InventoryItem",
    id: item.id,
    sku: item.sku,
    tracked: item.tracked,
    variant: {
      id: `gid://shopify/ProductVariant/${numericId(item.id)}`,
      title: item.variantTitle,
      // Shopify's displayName: "<product> - <variant>", the product alone for a default variant.
      displayName: item.variantTitle === "Default Title" ? item.productTitle : `${item.productTitle} - ${item.variantTitle}`,
      sku: item.sku,
      product: { id: `gid://shopify/Product/${numericId(item.id)}`, title: item.productTitle },
    },
    inventoryLevels: () => ({ nodes: [...item.available.entries()].map(([locationId, quantity]) => levelNode(item, locationId, quantity)) }),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const quantity = item.available.get(locationId);
      return quantity === undefined ? null : levelNode(item, locationId, quantity);
    },
  });
  return {
    inventoryItems: ({ first, after, query }: { first: number; after?: string; query?: string }) => {
      const sku = /sku:'?([^'\s]+)'?/.exec(query ?? "")?.[1];
      const matching = [...shop.inventory.items.values()].filter((item) => !sku || item.sku === sku);
      // Opaque cursors, as Shopify's: here the position after the page, base64.
      const start = after ? Number(Buffer.from(after, "base64").toString("utf8")) : 0;
      const page = matching.slice(start, start + Math.min(first, 250));
      const end = start + page.length;
      return {
        nodes: page.map(itemNode),
        pageInfo: { hasNextPage: end < matching.length, endCursor: page.length ? Buffer.from(String(end)).toString("base64") : null },
      };
    },
    nodes: ({ ids }: { ids: string[] }) =>
      ids.map((id) => {
        const item = shop.inventory.items.get(id);
        return item ? itemNode(item) : null;
      }),
    inventoryAdjustQuantities: ({ input }: { input: { reason: string; name: string; changes: Array<{ delta: number; inventoryItemId: string; locationId: string; changeFromQuantity?: number | null }> } }) =>
      shop.inventory.adjust(input, idempotencyKey),
  };
}
