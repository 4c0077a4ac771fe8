// The messages matching the page's filters as CSV, streamed batch by batch.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { InvalidMessageFilterError, messageExportSize, messagesCsv, parseMessageFilter } from "~/notifications/message-queries.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const params = new URL(request.url).searchParams;
  // A page cursor makes no sense for "all matching rows": ignore it rather than fail.
  params.delete("older");
  params.delete("newer");
  let filter;
  try {
    filter = parseMessageFilter(params);
  } catch (error) {
    if (!(error instanceof InvalidMessageFilterError)) throw error;
    return new Response(error.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const db = forShop(shop.id);
  const size = await messageExportSize(db, filter);
  const lines = messagesCsv(db, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    // Pull: the next batch is read only when the client has taken the last one.
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="rappit-messages.csv"',
      "Cache-Control": "no-store",
      "X-Export-Rows": String(size.rows),
      // Set when more rows matched than an export holds: the file has the newest ones.
      "X-Export-Truncated": String(size.truncated),
    },
  });
};
