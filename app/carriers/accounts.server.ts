// Carrier accounts of a shop: add (only after the carrier accepts the credentials),
// test, replace credentials, choose the default and destination overrides,
// disconnect. Secrets are stored encrypted and never shown again.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ShopDatabase } from "../db/prisma.server";
import { recordAudit, type Actor } from "../security/audit.server";
import { connectorFor, forgetCachedToken, sealAccountCredentials } from "./carrier-call.server";
import type { CarrierCode, CarrierEnvironment } from "./connector";
import { dhlCredentialsSchema, dhlPickupSchema } from "./dhl/settings";
import { describeCarrierFailure } from "./failures.server";
import { fedexAccountNumberSchema, fedexCredentialsSchema } from "./fedex/settings";

export const CARRIER_NAMES: Record<CarrierCode, string> = { FEDEX: "FedEx", DHL_ECOMMERCE: "DHL eCommerce" };

const environmentSchema = z.enum(["SANDBOX", "PRODUCTION"], { error: "Choose sandbox or production" });

export type AccountInput =
  | { carrier: "FEDEX"; environment: CarrierEnvironment; accountNumber: string; credentials: { clientId: string; clientSecret: string } }
  | { carrier: "DHL_ECOMMERCE"; environment: CarrierEnvironment; accountNumber: string; credentials: { clientId: string; clientSecret: string; distributionCenter: string } };

export type ParseResult = { ok: true; input: AccountInput } | { ok: false; errors: Record<string, string> };

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[issue.path.length - 1] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The add-account form, validated per carrier; errors are keyed by form field. */
export function parseAccountForm(form: FormData): ParseResult {
  const carrier = String(form.get("carrier") ?? "");
  const text = (name: string) => String(form.get(name) ?? "");
  const common = z.object({ environment: environmentSchema });
  if (carrier === "FEDEX") {
    const parsed = common
      .extend({ accountNumber: fedexAccountNumberSchema })
      .and(fedexCredentialsSchema)
      .safeParse({ environment: text("environment"), accountNumber: text("accountNumber"), clientId: text("clientId"), clientSecret: text("clientSecret") });
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
    const { environment, accountNumber, clientId, clientSecret } = parsed.data;
    return { ok: true, input: { carrier, environment, accountNumber, credentials: { clientId, clientSecret } } };
  }
  if (carrier === "DHL_ECOMMERCE") {
    const parsed = common
      .extend({ accountNumber: dhlPickupSchema })
      .and(dhlCredentialsSchema)
      .safeParse({
        environment: text("environment"),
        accountNumber: text("accountNumber"),
        clientId: text("clientId"),
        clientSecret: text("clientSecret"),
        distributionCenter: text("distributionCenter").toUpperCase(),
      });
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
    const { environment, accountNumber, clientId, clientSecret, distributionCenter } = parsed.data;
    return { ok: true, input: { carrier, environment, accountNumber, credentials: { clientId, clientSecret, distributionCenter } } };
  }
  return { ok: false, errors: { carrier: "Choose FedEx or DHL eCommerce" } };
}

const hint = (clientId: string) => clientId.slice(-4);

export type AddResult = { ok: true; accountId: string } | { ok: false; message: string };

/** Tests the credentials with the carrier first: an account that cannot connect is not saved. */
export async function addCarrierAccount(db: ShopDatabase, input: AccountInput, actor: Actor): Promise<AddResult> {
  const id = randomUUID();
  const sealed = sealAccountCredentials(id, input.credentials);
  const draft = { id, shopId: db.$shopId(), carrier: input.carrier, environment: input.environment, accountNumber: input.accountNumber, credentials: sealed };
  try {
    await connectorFor(draft).testConnection();
  } catch (error) {
    await forgetCachedToken(id);
    return { ok: false, message: describeCarrierFailure(input.carrier, error).message };
  }
  const environmentLabel = input.environment === "SANDBOX" ? " (sandbox)" : "";
  await db.$transaction(async (tx) => {
    const hasDefault = (await tx.shippingAccount.count({ where: { isDefault: true, status: { not: "DISCONNECTED" } } })) > 0;
    await tx.shippingAccount.create({
      data: {
        ...draft,
        name: `${CARRIER_NAMES[input.carrier]} ${input.accountNumber}${environmentLabel}`,
        credentialsHint: hint(input.credentials.clientId),
        status: "CONNECTED",
        verifiedAt: new Date(),
        // The first account becomes the default, so labels can be bought right away.
        isDefault: !hasDefault,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "CARRIER_CONNECTED",
      subject: { type: "ShippingAccount", id },
      after: { carrier: input.carrier, environment: input.environment, accountNumber: input.accountNumber },
    });
  });
  return { ok: true, accountId: id };
}

export type TestResult = { status: "CONNECTED" | "ERROR" | "NEEDS_REAUTH"; message: string | null };

/** "Test connection": a token and one harmless call; the outcome is the account's status. */
export async function testCarrierAccount(db: ShopDatabase, accountId: string): Promise<TestResult | null> {
  const account = await db.shippingAccount.findFirst({ where: { id: accountId, status: { not: "DISCONNECTED" } } });
  if (!account) return null;
  let result: TestResult;
  try {
    await connectorFor(account).testConnection();
    result = { status: "CONNECTED", message: null };
  } catch (error) {
    const failure = describeCarrierFailure(account.carrier as CarrierCode, error);
    result = { status: failure.needsReauth ? "NEEDS_REAUTH" : "ERROR", message: failure.message };
  }
  await db.shippingAccount.updateMany({
    where: { id: account.id },
    data: { status: result.status, lastError: result.message, ...(result.status === "CONNECTED" ? { verifiedAt: new Date() } : {}) },
  });
  return result;
}

/** "Replace credentials": tested before they replace the stored ones; secrets are replace-only. */
export async function replaceCarrierCredentials(db: ShopDatabase, accountId: string, form: FormData, actor: Actor): Promise<AddResult | { ok: false; errors: Record<string, string> }> {
  const account = await db.shippingAccount.findFirst({ where: { id: accountId, status: { not: "DISCONNECTED" } } });
  if (!account) return { ok: false, message: "That carrier account is not connected to this shop." };
  const fields = new FormData();
  for (const [key, value] of form) fields.set(key, value);
  fields.set("carrier", account.carrier);
  fields.set("environment", account.environment);
  fields.set("accountNumber", account.accountNumber);
  const parsed = parseAccountForm(fields);
  if (!parsed.ok) return parsed;
  const sealed = sealAccountCredentials(account.id, parsed.input.credentials);
  await forgetCachedToken(account.id);
  try {
    await connectorFor({ ...account, credentials: sealed }).testConnection();
  } catch (error) {
    await forgetCachedToken(account.id);
    return { ok: false, message: describeCarrierFailure(account.carrier as CarrierCode, error).message };
  }
  await db.$transaction(async (tx) => {
    await tx.shippingAccount.update({
      where: { id: account.id },
      data: { credentials: sealed, credentialsHint: hint(parsed.input.credentials.clientId), status: "CONNECTED", lastError: null, verifiedAt: new Date() },
    });
    await recordAudit(tx, {
      actor,
      action: "CARRIER_CONNECTED",
      subject: { type: "ShippingAccount", id: account.id },
      before: { status: account.status },
      after: { status: "CONNECTED", credentialsReplaced: true },
    });
  });
  return { ok: true, accountId: account.id };
}

export async function makeDefaultAccount(db: ShopDatabase, accountId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const account = await tx.shippingAccount.findFirst({ where: { id: accountId, status: { not: "DISCONNECTED" } } });
    if (!account) return false;
    await tx.shippingAccount.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
    await tx.shippingAccount.update({ where: { id: account.id }, data: { isDefault: true } });
    return true;
  });
}

export const useForSchema = z.enum(["ALL", "DOMESTIC", "INTERNATIONAL"]);

/** Per-destination override: this account ships domestic or international parcels instead of the default. */
export async function setAccountUseFor(db: ShopDatabase, accountId: string, useFor: z.infer<typeof useForSchema>): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const account = await tx.shippingAccount.findFirst({ where: { id: accountId, status: { not: "DISCONNECTED" } } });
    if (!account) return false;
    const value = useFor === "ALL" ? null : useFor;
    // One override per destination: another account that had it gives it up.
    if (value) await tx.shippingAccount.updateMany({ where: { useFor: value, id: { not: account.id } }, data: { useFor: null } });
    await tx.shippingAccount.update({ where: { id: account.id }, data: { useFor: value } });
    return true;
  });
}

export async function disconnectCarrierAccount(db: ShopDatabase, accountId: string, actor: Actor): Promise<boolean> {
  const done = await db.$transaction(async (tx) => {
    const account = await tx.shippingAccount.findFirst({ where: { id: accountId, status: { not: "DISCONNECTED" } } });
    if (!account) return false;
    await tx.shippingAccount.update({
      where: { id: account.id },
      data: { status: "DISCONNECTED", disconnectedAt: new Date(), credentials: null, isDefault: false, useFor: null },
    });
    await recordAudit(tx, {
      actor,
      action: "CARRIER_DISCONNECTED",
      subject: { type: "ShippingAccount", id: account.id },
      before: { status: account.status },
      after: { status: "DISCONNECTED" },
    });
    return true;
  });
  if (done) await forgetCachedToken(accountId);
  return done;
}

/** Which account ships an order: the destination override, else the default. */
export async function accountForDestination(db: ShopDatabase, from: string, to: string) {
  const destination = from.toUpperCase() === to.toUpperCase() ? "DOMESTIC" : "INTERNATIONAL";
  return (
    (await db.shippingAccount.findFirst({ where: { useFor: destination, status: "CONNECTED" } })) ??
    (await db.shippingAccount.findFirst({ where: { isDefault: true, status: "CONNECTED" } }))
  );
}
