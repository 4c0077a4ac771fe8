/** @jsxImportSource preact */
// Entry of "Rappit: approve COD order" (admin.order-details.action.render). The CLI's bundle
// calls this default export through shopify.extend(target, ...).
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";
import { render } from "preact";
import { ApproveAction } from "./ApproveAction";

export default async () => {
  // The admin sets the `shopify` global for this target before running the module. Read through
  // globalThis so a CLI-generated shopify.d.ts (which declares it per module) cannot collide.
  const api = (globalThis as unknown as { shopify: Api }).shopify;
  render(<ApproveAction api={api} />, document.body);
};
