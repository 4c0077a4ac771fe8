// Order notes (WC_REST_Order_Notes_Controller): how a shipment is announced
// to the buyer when the store has no tracking field (customer_note: true).
import { ORDERS, invalidOrderId, orderOf } from "./orders";
import { wooDate } from "./php";
import { Args, READ_METHODS, missingParams, param, restError, selfLinks, type RestContext, type RestReply, type RestRoute } from "./rest";
import type { WooOrderNote } from "./state";

function noteJson(ctx: RestContext, note: WooOrderNote) {
  return {
    id: note.id,
    author: note.author,
    date_created: note.date_created,
    date_created_gmt: note.date_created,
    note: note.note,
    customer_note: note.customer_note,
    _links: {
      ...selfLinks(ctx, `${ORDERS}/${note.order_id}/notes`, note.id),
      up: [{ href: `${ctx.state.homeUrl}/wp-json${ORDERS}/${note.order_id}` }],
    },
  };
}

function listNotes(ctx: RestContext): RestReply {
  const order = orderOf(ctx, "order_id");
  if (!order) return invalidOrderId();
  const args = new Args(ctx);
  const type = args.oneOf("type", ["any", "customer", "internal"] as const, "any");
  const error = args.error();
  if (error) return error;
  const notes = ctx.state.notes
    .filter((note) => note.order_id === order.id && (type === "any" || note.customer_note === (type === "customer")))
    .sort((a, b) => (a.date_created < b.date_created ? 1 : a.date_created > b.date_created ? -1 : b.id - a.id));
  return { status: 200, body: notes.map((note) => noteJson(ctx, note)) };
}

function createNote(ctx: RestContext): RestReply {
  const text = param(ctx, "note");
  if (text === undefined || text === null) return missingParams(["note"]);
  const order = orderOf(ctx, "order_id");
  if (!order) return invalidOrderId();
  const args = new Args(ctx);
  const customerNote = args.boolean("customer_note", false);
  const addedByUser = args.boolean("added_by_user", false);
  const error = args.error();
  if (error) return error;
  if (String(text).trim() === "") return restError(500, "woocommerce_api_cannot_create_order_note", "Cannot create order note, please try again.");
  const note: WooOrderNote = {
    id: ctx.state.nextCommentId(),
    order_id: order.id,
    // Notes not added "by user" are authored by WooCommerce, shown as "system".
    author: addedByUser ? "admin" : "system",
    date_created: wooDate(ctx.state.now()),
    note: String(text),
    customer_note: customerNote,
    added_by_user: addedByUser,
  };
  ctx.state.notes.push(note);
  const location = `${ctx.state.homeUrl}/wp-json${ORDERS}/${order.id}/notes/${note.id}`;
  return { status: 201, body: noteJson(ctx, note), headers: { Location: location } };
}

export const noteRoutes: RestRoute[] = [
  { methods: READ_METHODS, pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/notes$/, capability: "list", handle: listNotes },
  { methods: ["POST"], pattern: /^\/wc\/v3\/orders\/(?<order_id>\d+)\/notes$/, capability: "create", handle: createNote },
];
