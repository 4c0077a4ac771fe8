/** @jsxImportSource preact */
// Entry of the Rappit order block (admin.order-details.block.render). The CLI's bundle calls
// this default export through shopify.extend(target, ...).
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";
import { render } from "preact";
import { OrderBlock } from "./OrderBlock";

export default async () => {
  // Read through globalThis so a CLI-generated shopify.d.ts cannot collide with a local declaration.
  const api = (globalThis as unknown as { shopify: Api }).shopify;
  render(<OrderBlock api={api} />, document.body);
};
