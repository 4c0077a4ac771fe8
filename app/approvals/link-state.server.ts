// What the approval page says about the link it was opened with, before any click.
// Pure: verifies the signature and binding only; reads and writes no row.
import { ApprovalError } from "./approval-errors";
import { verifyApprovalToken } from "./tokens.server";

export type LinkState = { state: "ok" | "invalid" | "expired" | "other-shop" | "other-approval"; message: string };

export async function linkStateOf(token: string, shopDomain: string, approvalId: string): Promise<LinkState> {
  try {
    const claims = await verifyApprovalToken(token);
    if (claims.shop !== shopDomain) return { state: "other-shop", message: "This link belongs to another shop." };
    if (claims.approval !== approvalId) return { state: "other-approval", message: "This link is for another approval." };
    return { state: "ok", message: "" };
  } catch (error) {
    if (error instanceof ApprovalError && error.status === 410) return { state: "expired", message: "This link has expired." };
    return { state: "invalid", message: "This link is not valid." };
  }
}
