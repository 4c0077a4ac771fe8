// admin.order-details.action.should-render: the "Approve COD order" menu item appears only
// while the order's approval is pending. If Rappit cannot be asked, the item stays visible and
// the action explains the problem when opened (hiding it would hide the error too).
import type { Api } from "@shopify/ui-extensions/admin.order-details.action.should-render";
import { createRappitApi, type RappitApi } from "../../rappit-order-shared/src/api";

export async function shouldShowApprove(orderId: string, client: RappitApi): Promise<{ display: boolean }> {
  const result = await client.orderSummary(orderId);
  if (result.ok) return { display: result.data.actions.canDecide };
  return { display: result.kind !== "notFound" };
}

export default async () => {
  const api = (globalThis as unknown as { shopify: Api }).shopify;
  return shouldShowApprove(api.data.selected[0]?.id ?? "", createRappitApi());
};
