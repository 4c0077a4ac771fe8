// Settings: carrier accounts (FedEx, DHL eCommerce), the default and per-destination
// overrides, test connection, replace credentials, disconnect; the ship-from address
// and label format.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import {
  CARRIER_NAMES,
  addCarrierAccount,
  disconnectCarrierAccount,
  makeDefaultAccount,
  parseAccountForm,
  replaceCarrierCredentials,
  setAccountUseFor,
  testCarrierAccount,
  useForSchema,
} from "~/carriers/accounts.server";
import type { CarrierCode } from "~/carriers/connector";
import { breakerStates } from "~/carriers/core/policies.server";
import { shipFromSchema } from "~/carriers/labels.server";
import { forShop, getPrisma } from "~/db/prisma.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

const PROVIDER_OF: Record<CarrierCode, string> = { FEDEX: "fedex", DHL_ECOMMERCE: "dhl-ecommerce" };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const accounts = await db.shippingAccount.findMany({ where: { status: { not: "DISCONNECTED" } }, orderBy: { createdAt: "asc" } });
  const profile = await db.shop.findUniqueOrThrow({ where: { id: shop.id }, select: { shipFrom: true, labelFormat: true } });
  const failing = breakerStates().filter((breaker) => breaker.state !== "closed");
  return json({
    accounts: accounts.map((account) => ({
      id: account.id,
      carrier: account.carrier as CarrierCode,
      name: account.name,
      environment: account.environment,
      accountNumber: account.accountNumber,
      // Secrets are never sent back: only the last characters of the client id.
      credentialsHint: `••••${account.credentialsHint}`,
      status: account.status,
      lastError: account.lastError,
      isDefault: account.isDefault,
      useFor: account.useFor ?? "ALL",
      failing: failing.some((breaker) => breaker.carrier === PROVIDER_OF[account.carrier as CarrierCode] && breaker.environment === account.environment.toLowerCase()),
    })),
    shipFrom: shipFromSchema.partial().safeParse(profile.shipFrom ?? {}).data ?? {},
    labelFormat: profile.labelFormat,
  });
};

type ActionData =
  | { ok: true; message: string; form?: string }
  | { ok: false; message: string; errors?: Record<string, string>; form?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
  const accountId = String(form.get("accountId") ?? "");
  const knownAccount = z.uuid().safeParse(accountId).success;
  const notFound = () => json<ActionData>({ ok: false, message: "That carrier account is not connected to this shop." }, { status: 404 });

  switch (intent) {
    case "add": {
      const parsed = parseAccountForm(form);
      if (!parsed.ok) return json<ActionData>({ ok: false, message: "Check the highlighted fields.", errors: parsed.errors, form: "add" }, { status: 400 });
      const added = await addCarrierAccount(db, parsed.input, actor);
      if (!added.ok) return json<ActionData>({ ok: false, message: added.message, form: "add" }, { status: 422 });
      return json<ActionData>({ ok: true, message: `${CARRIER_NAMES[parsed.input.carrier]} account connected.`, form: "add" });
    }
    case "test": {
      const result = knownAccount ? await testCarrierAccount(db, accountId) : null;
      if (!result) return notFound();
      return json<ActionData>(result.status === "CONNECTED" ? { ok: true, message: "Connection works." } : { ok: false, message: result.message ?? "The carrier refused the call." });
    }
    case "replace": {
      if (!knownAccount) return notFound();
      const replaced = await replaceCarrierCredentials(db, accountId, form, actor);
      if (!replaced.ok) {
        return "errors" in replaced
          ? json<ActionData>({ ok: false, message: "Check the highlighted fields.", errors: replaced.errors, form: accountId }, { status: 400 })
          : json<ActionData>({ ok: false, message: replaced.message, form: accountId }, { status: 422 });
      }
      return json<ActionData>({ ok: true, message: "Credentials replaced and tested." });
    }
    case "default":
      return knownAccount && (await makeDefaultAccount(db, accountId)) ? json<ActionData>({ ok: true, message: "Default carrier account changed." }) : notFound();
    case "use-for": {
      const useFor = useForSchema.safeParse(form.get("useFor"));
      if (!useFor.success) return json<ActionData>({ ok: false, message: "Choose all, domestic or international destinations." }, { status: 400 });
      return knownAccount && (await setAccountUseFor(db, accountId, useFor.data)) ? json<ActionData>({ ok: true, message: "Destination override saved." }) : notFound();
    }
    case "disconnect":
      return knownAccount && (await disconnectCarrierAccount(db, accountId, actor)) ? json<ActionData>({ ok: true, message: "Carrier account disconnected; its credentials were deleted." }) : notFound();
    case "ship-from": {
      const fields = Object.fromEntries(["name", "company", "phone", "address1", "address2", "city", "provinceCode", "zip", "countryCode"].map((key) => [key, String(form.get(key) ?? "")]));
      const parsed = shipFromSchema.safeParse({ ...fields, countryCode: fields.countryCode.toUpperCase() });
      const labelFormat = z.enum(["PDF", "ZPL"]).safeParse(form.get("labelFormat"));
      if (!parsed.success || !labelFormat.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error?.issues ?? []) errors[String(issue.path[0])] ??= issue.message;
        if (!labelFormat.success) errors.labelFormat = "Choose PDF or ZPL";
        return json<ActionData>({ ok: false, message: "Check the highlighted fields.", errors, form: "ship-from" }, { status: 400 });
      }
      await db.shop.update({ where: { id: shop.id }, data: { shipFrom: parsed.data, labelFormat: labelFormat.data } });
      return json<ActionData>({ ok: true, message: "Ship-from address saved." });
    }
    default:
      return json<ActionData>({ ok: false, message: `Unknown action "${intent}".` }, { status: 400 });
  }
};

const STATUS: Record<string, { tone: "success" | "critical" | "warning"; label: string }> = {
  CONNECTED: { tone: "success", label: "Connected" },
  ERROR: { tone: "critical", label: "Error" },
  NEEDS_REAUTH: { tone: "warning", label: "Needs re-auth" },
};

function Field(props: { label: string; name: string; type?: "text" | "password"; error?: string; help?: string; defaultValue?: string }) {
  const [value, setValue] = useState(props.defaultValue ?? "");
  return (
    <TextField
      label={props.label}
      name={props.name}
      type={props.type ?? "text"}
      value={value}
      onChange={setValue}
      error={props.error}
      helpText={props.help}
      autoComplete="off"
    />
  );
}

function AddAccount({ errors, busy }: { errors: Record<string, string>; busy: boolean }) {
  const [carrier, setCarrier] = useState<CarrierCode>("FEDEX");
  const [environment, setEnvironment] = useState("SANDBOX");
  const fedex = carrier === "FEDEX";
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="add" />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Add a carrier account
          </Text>
          <FormLayout.Group>
            <Select label="Carrier" name="carrier" options={[{ label: "FedEx", value: "FEDEX" }, { label: "DHL eCommerce Americas", value: "DHL_ECOMMERCE" }]} value={carrier} onChange={(v) => setCarrier(v as CarrierCode)} error={errors.carrier} />
            <Select label="Environment" name="environment" options={[{ label: "Sandbox (test labels)", value: "SANDBOX" }, { label: "Production", value: "PRODUCTION" }]} value={environment} onChange={setEnvironment} error={errors.environment} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Field key={`${carrier}-id`} label={fedex ? "API key" : "Client ID"} name="clientId" error={errors.clientId} />
            <Field key={`${carrier}-secret`} label={fedex ? "Secret key" : "Client secret"} name="clientSecret" type="password" error={errors.clientSecret} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Field key={`${carrier}-account`} label={fedex ? "FedEx account number" : "Pickup account number"} name="accountNumber" error={errors.accountNumber} />
            {fedex ? null : <Field key="dc" label="Distribution center" name="distributionCenter" error={errors.distributionCenter} help="Your DHL eCommerce distribution center, like USATL1" />}
          </FormLayout.Group>
          <Button submit variant="primary" loading={busy}>
            Connect and test
          </Button>
        </FormLayout>
      </Form>
    </Card>
  );
}

export default function Carriers() {
  const { accounts, shipFrom, labelFormat } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const errorsFor = (form: string) => (result && !result.ok && result.form === form ? (result.errors ?? {}) : {});
  const [format, setFormat] = useState(labelFormat);
  // A connected account empties the add form: its credentials should not linger on the page.
  const [addFormKey, setAddFormKey] = useState(0);
  useEffect(() => {
    if (result?.ok && result.form === "add") setAddFormKey((key) => key + 1);
  }, [result]);

  return (
    <Page>
      <TitleBar title="Carriers" />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {accounts.length === 0 ? (
              <Card>
                <Text as="p">No carrier account yet. Add FedEx or DHL eCommerce below to buy labels from Rappit.</Text>
              </Card>
            ) : null}
            {accounts.map((account) => {
              const badge = STATUS[account.status] ?? STATUS.ERROR;
              const replaceErrors = errorsFor(account.id);
              return (
                <Card key={account.id}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <BlockStack gap="050">
                        <Text as="h3" variant="headingSm">
                          {account.name}
                        </Text>
                        <Text as="p" tone="subdued">
                          {`${account.environment === "SANDBOX" ? "Sandbox" : "Production"} · credentials ${account.credentialsHint}`}
                        </Text>
                      </BlockStack>
                      <InlineStack gap="200">
                        {account.isDefault ? <Badge tone="info">Default</Badge> : null}
                        {account.failing ? <Badge tone="critical">Carrier failing</Badge> : null}
                        <Badge tone={badge.tone}>{badge.label}</Badge>
                      </InlineStack>
                    </InlineStack>
                    {account.lastError && account.status !== "CONNECTED" ? (
                      <Text as="p" tone="critical">
                        {account.lastError}
                      </Text>
                    ) : null}
                    <InlineStack gap="200" blockAlign="end">
                      <Form method="post">
                        <input type="hidden" name="intent" value="test" />
                        <input type="hidden" name="accountId" value={account.id} />
                        <Button submit disabled={busy}>
                          Test connection
                        </Button>
                      </Form>
                      {account.isDefault ? null : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="default" />
                          <input type="hidden" name="accountId" value={account.id} />
                          <Button submit disabled={busy}>
                            Make default
                          </Button>
                        </Form>
                      )}
                      <Form method="post">
                        <input type="hidden" name="intent" value="use-for" />
                        <input type="hidden" name="accountId" value={account.id} />
                        <InlineStack gap="100" blockAlign="end">
                          <UseForSelect initial={account.useFor} />
                          <Button submit disabled={busy}>
                            Save
                          </Button>
                        </InlineStack>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="disconnect" />
                        <input type="hidden" name="accountId" value={account.id} />
                        <Button submit tone="critical" disabled={busy}>
                          Disconnect
                        </Button>
                      </Form>
                    </InlineStack>
                    <Form method="post">
                      <input type="hidden" name="intent" value="replace" />
                      <input type="hidden" name="accountId" value={account.id} />
                      <FormLayout>
                        <FormLayout.Group>
                          <Field label={account.carrier === "FEDEX" ? "New API key" : "New client ID"} name="clientId" error={replaceErrors.clientId} />
                          <Field label={account.carrier === "FEDEX" ? "New secret key" : "New client secret"} name="clientSecret" type="password" error={replaceErrors.clientSecret} />
                          {account.carrier === "DHL_ECOMMERCE" ? <Field label="Distribution center" name="distributionCenter" error={replaceErrors.distributionCenter} /> : null}
                        </FormLayout.Group>
                        <Button submit disabled={busy}>
                          Replace credentials
                        </Button>
                      </FormLayout>
                    </Form>
                  </BlockStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <AddAccount key={addFormKey} errors={errorsFor("add")} busy={busy} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="ship-from" />
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Ship from
                </Text>
                <FormLayout.Group>
                  <Field label="Sender name" name="name" defaultValue={shipFrom.name ?? ""} error={errorsFor("ship-from").name} />
                  <Field label="Company" name="company" defaultValue={shipFrom.company ?? ""} />
                  <Field label="Phone" name="phone" defaultValue={shipFrom.phone ?? ""} error={errorsFor("ship-from").phone} />
                </FormLayout.Group>
                <FormLayout.Group>
                  <Field label="Address" name="address1" defaultValue={shipFrom.address1 ?? ""} error={errorsFor("ship-from").address1} />
                  <Field label="Apartment, suite" name="address2" defaultValue={shipFrom.address2 ?? ""} />
                </FormLayout.Group>
                <FormLayout.Group>
                  <Field label="City" name="city" defaultValue={shipFrom.city ?? ""} error={errorsFor("ship-from").city} />
                  <Field label="State or province code" name="provinceCode" defaultValue={shipFrom.provinceCode ?? ""} />
                  <Field label="Postal code" name="zip" defaultValue={shipFrom.zip ?? ""} error={errorsFor("ship-from").zip} />
                  <Field label="Country code" name="countryCode" defaultValue={shipFrom.countryCode ?? ""} error={errorsFor("ship-from").countryCode} help="Two letters, like US" />
                </FormLayout.Group>
                <Select label="Label format" name="labelFormat" options={[{ label: "PDF (office printers)", value: "PDF" }, { label: "ZPL (thermal printers)", value: "ZPL" }]} value={format} onChange={setFormat} />
                <Button submit disabled={busy}>
                  Save
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function UseForSelect({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <Select
      label="Ships"
      name="useFor"
      options={[
        { label: "As default only", value: "ALL" },
        { label: "Domestic orders", value: "DOMESTIC" },
        { label: "International orders", value: "INTERNATIONAL" },
      ]}
      value={value}
      onChange={setValue}
    />
  );
}
