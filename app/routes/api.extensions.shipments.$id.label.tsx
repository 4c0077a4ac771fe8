// GET /api/extensions/shipments/:id/label — a purchased label's document (PDF, ZPL or PNG)
// for the order block's download link; another shop's shipment is 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { labelDocument } from "~/extensions-api/label-download.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => extensionRoute(request, ({ db }) => labelDocument(db, params.id ?? ""));
