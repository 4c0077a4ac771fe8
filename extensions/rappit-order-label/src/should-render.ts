// admin.order-details.action.should-render: "Create shipping label" appears only when Rappit
// says a label can be bought. If Rappit cannot be asked, the item stays visible and the action
// explains the problem when opened.
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.should-render";
import { createRappitApi, type RappitApi } from "../../rappit-order-shared/src/api";

export async function shouldShowLabel(orderId: string, client: RappitApi): Promise<{ display: boolean }> {
  const result = await client.orderSummary(orderId);
  if (result.ok) return { display: result.data.actions.canBuyLabel };
  return { display: result.kind !== "notFound" };
}

export default async () => {
  const api = (globalThis as unknown as { shopify: Api }).shopify;
  return shouldShowLabel(api.data.selected[0]?.id ?? "", createRappitApi());
};
