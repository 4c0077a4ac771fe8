// `npm run serve:dev`: what `shopify app dev` runs (see shopify.web.toml).
import "dotenv/config";
import { runLocalApp } from "./local-app";

// The Shopify CLI passes the tunnel URL as HOST; the app reads SHOPIFY_APP_URL.
if (process.env.HOST && !process.env.SHOPIFY_APP_URL) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
}

await runLocalApp();
