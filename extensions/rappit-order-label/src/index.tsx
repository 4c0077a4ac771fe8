/** @jsxImportSource preact */
// Entry of "Rappit: create shipping label" (admin.order-details.action.render). The CLI's bundle
// calls this default export through shopify.extend(target, ...).
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.render";
import { render } from "preact";
import { LabelAction } from "./LabelAction";

export default async () => {
  // Read through globalThis so a CLI-generated shopify.d.ts cannot collide with a local declaration.
  const api = (globalThis as unknown as { shopify: Api }).shopify;
  render(<LabelAction api={api} />, document.body);
};
