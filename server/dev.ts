// `npm run serve:dev`: what `shopify app dev` runs (see shopify.web.toml).
import "dotenv/config";

// The Shopify CLI passes the tunnel URL as HOST; the app reads SHOPIFY_APP_URL.
if (process.env.HOST && !process.env.SHOPIFY_APP_URL) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
}

// Imported only now: app modules read the configuration when they load.
const { runLocalApp } = await import("./local-app");
await runLocalApp();
