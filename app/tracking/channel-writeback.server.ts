// Carrier events onto the sales channel, each once: a Shopify fulfillment event on the
// fulfillment that carries the tracking number, or a private WooCommerce order note.
// Neither API takes an idempotency key, so before writing, the channel is read back and
// an event already there (a write whose answer was lost) is only marked as written.
import type { GraphqlClient } from "@shopify/shopify-api";
import type { Logger } from "pino";
import type { TrackingStatus } from "../carriers/tracking";
import { wooClientFor } from "../channels/woocommerce/credentials.server";
import type { ShopDatabase } from "../db/prisma.server";
import { trackingFor } from "../fulfillment/tracking-links";
import { ShopifyUserError } from "../fulfillment/shopify-writeback.server";
import { offlineAdminClient } from "../shopify/offline-admin.server";
import { pacedRequest } from "../shopify/paced-graphql.server";

/** Shopify's FulfillmentEventStatus for each of ours. */
export const SHOPIFY_EVENT_STATUS: Record<TrackingStatus, string> = {
  LABEL_CREATED: "LABEL_PURCHASED",
  IN_TRANSIT: "IN_TRANSIT",
  OUT_FOR_DELIVERY: "OUT_FOR_DELIVERY",
  DELIVERED: "DELIVERED",
  EXCEPTION: "ATTEMPTED_DELIVERY",
  RETURNED: "FAILURE",
};

const EVENTS = `#graphql
  query RappitFulfillmentEvents($id: ID!) {
    fulfillment(id: $id) { id events(first: 250) { nodes { status happenedAt } } }
  }`;

const CREATE_EVENT = `#graphql
  mutation RappitFulfillmentEvent($event: FulfillmentEventInput!) {
    fulfillmentEventCreate(fulfillmentEvent: $event) { fulfillmentEvent { id } userErrors { field message } }
  }`;

/** At most this many events per run; the rest go on the next poll. */
const EVENTS_PER_RUN = 500;

interface PendingEvent {
  id: string;
  status: string;
  occurredAt: Date;
  location: string | null;
  description: string;
}

const sameInstant = (a: string | null, b: Date) => a !== null && new Date(a).getTime() === b.getTime();

/** Writes every stored event not yet on its channel, oldest first. Returns how many were written. */
export async function writeEventsToChannels(db: ShopDatabase, logger: Logger): Promise<{ written: number; waiting: number }> {
  const pending = await db.shipmentEvent.findMany({
    where: { channelWrittenAt: null },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    take: EVENTS_PER_RUN,
    include: { shipment: { include: { order: { include: { channel: true } } } } },
  });
  const byShipment = new Map<string, typeof pending>();
  for (const event of pending) byShipment.set(event.shipmentId, [...(byShipment.get(event.shipmentId) ?? []), event]);

  let written = 0;
  let waiting = 0;
  let shopify: GraphqlClient | null = null;
  for (const events of byShipment.values()) {
    const { shipment } = events[0];
    const channel = shipment.order.channel;
    // The fulfillment job has not put the tracking on the channel yet: its events wait for it.
    if (!shipment.channelFulfillmentId || !shipment.trackingNumber) {
      waiting += events.length;
      continue;
    }
    if (channel.type === "SHOPIFY") {
      if (!shipment.channelFulfillmentId.startsWith("gid://shopify/Fulfillment/")) {
        waiting += events.length;
        continue;
      }
      shopify ??= await offlineAdminClient((await db.shop.findUniqueOrThrow({ where: { id: db.$shopId() }, select: { domain: true } })).domain);
      written += await writeToShopify(db, shopify, shipment.channelFulfillmentId, events, logger);
    } else {
      // A store disconnected since (or whose keys were revoked) cannot take notes: they wait for it.
      if (channel.status === "DISCONNECTED" || channel.status === "NEEDS_REAUTH" || !channel.credentials) {
        waiting += events.length;
        continue;
      }
      const client = wooClientFor(channel);
      const company = trackingFor(shipment.carrier, shipment.trackingNumber).company;
      const notes = await client.orderNotes(shipment.order.externalOrderId);
      for (const event of events) {
        const marker = `[Rappit ${event.id.slice(0, 8)}]`;
        if (!notes.some((note) => note.note.includes(marker))) {
          const place = event.location ? ` (${event.location})` : "";
          await client.addOrderNote(shipment.order.externalOrderId, `${company} ${shipment.trackingNumber}: ${event.description}${place}, ${event.occurredAt.toISOString()} ${marker}`, { customerNote: false });
        }
        await markWritten(db, event.id);
        written += 1;
      }
    }
  }
  return { written, waiting };
}

async function writeToShopify(db: ShopDatabase, client: GraphqlClient, fulfillmentId: string, events: PendingEvent[], logger: Logger): Promise<number> {
  const reply = await pacedRequest<{ fulfillment: { events: { nodes: Array<{ status: string; happenedAt: string | null }> } } | null }>(client, EVENTS, { id: fulfillmentId }, logger);
  const existing = reply.data?.fulfillment?.events.nodes ?? [];
  let written = 0;
  for (const event of events) {
    const status = SHOPIFY_EVENT_STATUS[event.status as TrackingStatus];
    if (!existing.some((known) => known.status === status && sameInstant(known.happenedAt, event.occurredAt))) {
      const [city, province, country] = (event.location ?? "").split(",").map((part) => part.trim() || undefined);
      const created = await pacedRequest<{ fulfillmentEventCreate: { fulfillmentEvent: { id: string } | null; userErrors: Array<{ field: string[] | null; message: string }> } }>(
        client,
        CREATE_EVENT,
        { event: { fulfillmentId, status, happenedAt: event.occurredAt.toISOString(), message: event.description, city, province, country } },
        logger,
      );
      const result = created.data?.fulfillmentEventCreate;
      if (!result?.fulfillmentEvent) throw new ShopifyUserError("record the tracking event", result?.userErrors ?? []);
    }
    await markWritten(db, event.id);
    written += 1;
  }
  return written;
}

async function markWritten(db: ShopDatabase, eventId: string): Promise<void> {
  await db.shipmentEvent.update({ where: { id: eventId }, data: { channelWrittenAt: new Date() } });
}
