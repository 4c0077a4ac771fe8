// POST /api/inventory/bulk: a CSV or JSON file of stock levels, applied all or nothing
// (docs/inventory.md, "Bulk import"). The body is streamed into the import, never read whole.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { methodNotAllowed } from "~/http/responses";
import { ImportInputError, MAX_IMPORT_BYTES, importFormatOf, importStock, limitedBody } from "~/inventory/bulk-import/index.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

// GET (and the CORS preflight, which reaches the loader) authenticates like the action.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return methodNotAllowed(["POST"]);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  const { session, sessionToken } = await authenticate.admin(request);

  const format = importFormatOf(request.headers.get("content-type"));
  if (!format) {
    return json({ error: 'Send the file as Content-Type "text/csv" (columns sku,available[,title]) or "application/json" ([{"sku", "available"}]).' }, { status: 415 });
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_IMPORT_BYTES) return json({ error: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files.` }, { status: 413 });
  if (!request.body) return json({ error: "The request has no body: send the file as the request body." }, { status: 400 });

  const shop = await shopOfSession(getPrisma(), session);
  try {
    const result = await importStock(forShop(shop.id), {
      source: limitedBody(request.body, MAX_IMPORT_BYTES),
      format,
      actorEmail: session.onlineAccessInfo?.associated_user?.email ?? null,
      actorId: sessionToken?.sub ? String(sessionToken.sub) : null,
    });
    if (result.status === "applied") {
      return json({ status: "applied", importId: result.importId, rows: result.rows, changed: result.changed });
    }
    return json(
      { status: "rejected", importId: result.importId, rows: result.rows, errorCount: result.errorCount, errors: result.errors },
      { status: 422 },
    );
  } catch (error) {
    if (error instanceof ImportInputError) return json({ error: error.message }, { status: error.status });
    throw error;
  }
};
