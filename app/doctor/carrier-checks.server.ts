// Each connected carrier account: a token obtainable with its stored credentials and one
// harmless call (the "Test connection" request, without changing the account's status).
import { connectorFor } from "../carriers/carrier-call.server";
import type { CarrierCode } from "../carriers/connector";
import { describeCarrierFailure } from "../carriers/failures.server";
import type { ShopDatabase } from "../db/prisma.server";
import type { DoctorCheck } from "./report";

const NAMES: Record<string, string> = { FEDEX: "FedEx", DHL_ECOMMERCE: "DHL eCommerce" };

export async function carrierChecks(db: ShopDatabase): Promise<DoctorCheck[]> {
  const accounts = await db.shippingAccount.findMany({ where: { status: { not: "DISCONNECTED" } }, orderBy: { createdAt: "asc" } });
  return Promise.all(
    accounts.map(async (account): Promise<DoctorCheck> => {
      const name = `${NAMES[account.carrier] ?? account.carrier} ${account.accountNumber} (${account.environment.toLowerCase()})`;
      try {
        await connectorFor(account).testConnection();
        return { name, status: "OK", detail: "token obtained and a test call answered" };
      } catch (error) {
        const failure = describeCarrierFailure(account.carrier as CarrierCode, error);
        if (failure.needsReauth) {
          return {
            name,
            status: "FAIL",
            detail: failure.message,
            fix: "Replace the credentials in Rappit > Carriers (Replace credentials) with a current API key and secret from the carrier's developer portal, for the same account number.",
          };
        }
        return { name, status: "WARN", detail: failure.message, fix: "Try again in a few minutes; if it persists, check the carrier's status page and rappit_carrier_calls_total by outcome." };
      }
    }),
  );
}
