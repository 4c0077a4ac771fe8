// POST /api/pixel/events — checkout events from Rappit's web pixel (extensions/rappit-pixel).
// Public and CORS-open: the pixel runs on storefront and checkout origins. The loader answers
// the CORS preflight (OPTIONS reaches it) and refuses GET. Logic: app/pixel/ingest.server.ts.
import { pixelIngestAction, pixelIngestLoader } from "~/pixel/ingest.server";

export const loader = pixelIngestLoader;
export const action = pixelIngestAction;
