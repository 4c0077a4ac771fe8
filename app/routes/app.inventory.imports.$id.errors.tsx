// The error report of a rejected stock import, as CSV (line, sku, problem).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { importById } from "~/inventory/stock-queries.server";
import { csvLine } from "~/http/csv";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const found = await importById(forShop(shop.id), params.id ?? "");
  if (!found) return new Response("This import does not exist in your shop.", { status: 404 });
  const errors = (found.errors as Array<{ line: number; sku: string; reason: string }> | null) ?? [];
  const body = [csvLine(["line", "sku", "problem"]), ...errors.map((row) => csvLine([row.line, row.sku, row.reason]))].join("");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="stock-import-errors.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
