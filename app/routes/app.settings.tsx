// Settings: who approves COD orders, which WhatsApp templates buyers get, and how
// this installation sends messages (set by the app's operator, shown read-only).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { getConfig } from "~/config/env.server";
import { getPrisma } from "~/db/prisma.server";
import { activatePixel, getPixelStatus } from "~/pixel/activation.server";
import { ACTIVATE_PIXEL_INTENT, PixelSettingsCard, type PixelActionData } from "~/pixel/pixel-settings-card";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";
import {
  getShopSettings,
  MAX_APPROVERS,
  messagingSetup,
  parseSettingsForm,
  saveShopSettings,
  type SettingsErrors,
  type ShopSettings,
} from "~/shops/shop-settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = getPrisma();
  const shop = await shopOfSession(db, session);
  // Only booleans and the transport's name leave the server, never the secrets.
  return json({
    settings: await getShopSettings(db, shop.id),
    setup: messagingSetup(getConfig()),
    maxApprovers: MAX_APPROVERS,
    pixel: await getPixelStatus(db, shop.id),
  });
};

type ActionData = { ok: true; message: string; settings: ShopSettings } | { ok: false; message: string; errors: SettingsErrors };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const db = getPrisma();
  const shop = await shopOfSession(db, session);
  const form = await request.formData();
  const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
  if (form.get("intent") === ACTIVATE_PIXEL_INTENT) {
    const outcome = await activatePixel({ db, shopId: shop.id, actor });
    const message = outcome.ok ? (outcome.mode === "created" ? "Checkout pixel activated." : "Checkout pixel updated.") : outcome.message;
    return json<PixelActionData>({ pixel: { ok: outcome.ok, message } }, { status: outcome.ok ? 200 : 422 });
  }
  const parsed = parseSettingsForm(form);
  if (!parsed.ok) {
    return json<ActionData>({ ok: false, message: "Nothing was saved: correct the fields marked below.", errors: parsed.errors }, { status: 400 });
  }
  const { changed, settings } = await saveShopSettings(db, shop.id, parsed.value, actor);
  return json<ActionData>({ ok: true, message: changed ? "Settings saved." : "Nothing changed.", settings });
};

function formValues(settings: ShopSettings) {
  return {
    approverEmails: settings.approverEmails.join("\n"),
    whatsappLanguage: settings.whatsappTemplates?.language ?? "",
    whatsappApproved: settings.whatsappTemplates?.approved ?? "",
    whatsappRejected: settings.whatsappTemplates?.rejected ?? "",
    whatsappShipped: settings.whatsappTemplates?.shipped ?? "",
  };
}

const EMAIL_LABELS = { SENDGRID: "SendGrid", SMTP: "SMTP", NONE: "Not configured" } as const;

export default function Settings() {
  const { settings, setup, maxApprovers, pixel } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const saving = useNavigation().state === "submitting";
  const [values, setValues] = useState(() => formValues(settings));
  const errors: SettingsErrors = result && !result.ok ? result.errors : {};

  // After a save, show what was stored (normalised: lowercased, de-duplicated).
  useEffect(() => {
    if (result?.ok) setValues(formValues(result.settings));
  }, [result]);

  const field = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    error: errors[name],
    autoComplete: "off",
  });

  return (
    <Page title="Settings">
      <TitleBar title="Settings" />
      <Form method="post">
        <Layout>
          {result && (
            <Layout.Section>
              <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
            </Layout.Section>
          )}
          <Layout.AnnotatedSection
            title="COD approvals"
            description="Who gets the email asking to approve or reject each cash-on-delivery order."
          >
            <Card>
              <TextField
                label="Approver emails"
                multiline={4}
                helpText={
                  settings.ownerEmail
                    ? `One per line or separated by commas, at most ${maxApprovers}. Leave empty to send approvals to the shop owner (${settings.ownerEmail}).`
                    : `One per line or separated by commas, at most ${maxApprovers}. Leave empty to send approvals to the shop owner.`
                }
                {...field("approverEmails")}
              />
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="WhatsApp messages to buyers"
            description="Names of message templates approved for your WhatsApp Business account. Leave a name empty to send no WhatsApp message for that event."
          >
            <Card>
              <BlockStack gap="300">
                {!setup.whatsappConfigured && (
                  <Banner tone="warning">
                    <p>WhatsApp is not set up for this app yet, so no WhatsApp message is sent even with templates named here.</p>
                  </Banner>
                )}
                <FormLayout>
                  <TextField label="Template language" placeholder="en_US" helpText="The language code the templates were approved in." {...field("whatsappLanguage")} />
                  <FormLayout.Group>
                    <TextField label="Order approved" placeholder="order_approved" {...field("whatsappApproved")} />
                    <TextField label="Order rejected" placeholder="order_rejected" {...field("whatsappRejected")} />
                    <TextField label="Order shipped" placeholder="order_shipped" {...field("whatsappShipped")} />
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
          <PixelSettingsCard status={pixel} />
          <Layout.AnnotatedSection title="Sending" description="Set by whoever runs Rappit, in its environment.">
            <Card>
              <BlockStack gap="200">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span">WhatsApp</Text>
                  <Badge tone={setup.whatsappConfigured ? "success" : "attention"}>
                    {setup.whatsappConfigured ? "Configured" : "Not configured"}
                  </Badge>
                </InlineStack>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span">Email</Text>
                  <Badge tone={setup.email === "NONE" ? "critical" : "success"}>{EMAIL_LABELS[setup.email]}</Badge>
                  {setup.smtpFallback && (
                    <Text as="span" tone="subdued">
                      with SMTP as the fallback
                    </Text>
                  )}
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.Section>
            <InlineStack align="end">
              <Button submit variant="primary" loading={saving}>
                Save
              </Button>
            </InlineStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
