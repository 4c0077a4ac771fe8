// `npm run serve:dev`: what `shopify app dev` runs (see shopify.web.toml).
import "dotenv/config";
import { runLocalApp } from "./local-app";

await runLocalApp();
