// Settings: the shop's sales channels. Connect a WooCommerce store (wc-auth), see
// each store's status, reconnect, sync now, disconnect.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { requestChannelSetup, requestOrderPoll } from "~/channels/woocommerce/channel-jobs.server";
import { attemptOutcome, disconnectWooChannel, startWooConnect, type AttemptOutcome } from "~/channels/woocommerce/connect.server";
import { forShop, getPrisma } from "~/db/prisma.server";
import { QueueUnavailableError } from "~/jobs/queues.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

interface ChannelRow {
  id: string;
  type: string;
  name: string;
  store: string;
  status: string;
  lastError: string | null;
  verified: boolean;
  webhooks: number;
  syncedTo: string | null;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const params = new URL(request.url).searchParams;
  const channels = await db.channel.findMany({ orderBy: [{ type: "asc" }, { createdAt: "asc" }] });
  const outcome: AttemptOutcome | { kind: "unknown" } | null =
    params.get("connect") === "unknown" ? { kind: "unknown" } : params.get("attempt") ? await attemptOutcome(db, params.get("attempt")!) : null;
  return json({
    outcome,
    channels: channels.map(
      (channel): ChannelRow => ({
        id: channel.id,
        type: channel.type,
        name: channel.name,
        store: channel.externalId,
        status: channel.status,
        lastError: channel.lastError,
        verified: channel.verifiedAt !== null,
        webhooks: channel.webhookIds.length,
        syncedTo: channel.ordersSyncedTo?.toISOString() ?? null,
      }),
    ),
  });
};

type ActionData = { error: string; field?: "storeUrl" } | { notice: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken, redirect } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const db = forShop(shop.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const channelId = String(form.get("channelId") ?? "");
  const channel = z.uuid().safeParse(channelId).success ? await db.channel.findFirst({ where: { id: channelId, type: "WOOCOMMERCE" } }) : null;

  if (intent === "connect" || intent === "reconnect") {
    const storeUrl = intent === "reconnect" ? channel?.externalId : String(form.get("storeUrl") ?? "");
    if (!storeUrl) return json<ActionData>({ error: "Enter the store's address, like https://shop.example.com", field: "storeUrl" }, { status: 400 });
    const started = await startWooConnect(db, storeUrl);
    if (!started.ok) return json<ActionData>({ error: started.message, field: "storeUrl" }, { status: 400 });
    // The grant page must fill the whole window, not the admin's iframe.
    return redirect(started.authorizeUrl, { target: "_top" });
  }
  if (!channel) return json<ActionData>({ error: "That store is not connected to this shop." }, { status: 404 });
  if (intent === "disconnect") {
    const done = await disconnectWooChannel(db, channel.id, { type: "USER", id: sessionToken?.sub ? String(sessionToken.sub) : undefined });
    return json<ActionData>(done ? { notice: `Disconnected ${channel.name}. Its keys were deleted; orders already imported stay.` } : { notice: `${channel.name} was already disconnected.` });
  }
  if (intent === "sync" || intent === "finish-setup") {
    if (channel.status === "DISCONNECTED") return json<ActionData>({ error: `${channel.name} is disconnected: reconnect it first.` }, { status: 409 });
    try {
      if (intent === "sync") await requestOrderPoll(shop.id, channel.id);
      else await requestChannelSetup(shop.id, channel.id);
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      return json<ActionData>({ error: "Background jobs are unavailable right now. Try again in a minute." }, { status: 503 });
    }
    return json<ActionData>({ notice: intent === "sync" ? `Importing orders from ${channel.name}.` : `Setting up ${channel.name} again.` });
  }
  return json<ActionData>({ error: `Unknown action "${intent}".` }, { status: 400 });
};

const STATUS_BADGE: Record<string, { tone: "success" | "critical" | "warning" | undefined; label: string }> = {
  CONNECTED: { tone: "success", label: "Connected" },
  ERROR: { tone: "critical", label: "Error" },
  NEEDS_REAUTH: { tone: "warning", label: "Needs re-auth" },
  DISCONNECTED: { tone: undefined, label: "Disconnected" },
};

function OutcomeBanner({ outcome }: { outcome: AttemptOutcome | { kind: "unknown" } }) {
  switch (outcome.kind) {
    case "connected":
      if (outcome.status === "NEEDS_REAUTH" || outcome.status === "ERROR") {
        return (
          <Banner tone="critical" title={`Connected ${outcome.store}, but its first API call failed`}>
            <p>{outcome.lastError ?? "The store did not accept the new keys."} Check the store, then reconnect.</p>
          </Banner>
        );
      }
      return (
        <Banner tone="success" title={`Connected ${outcome.store}`}>
          <p>{outcome.verified ? "The store answered with the new keys. Orders are being imported." : "Keys received. Rappit is verifying the store and setting up order updates."}</p>
        </Banner>
      );
    case "denied":
      return (
        <Banner tone="critical" title="Connection failed: you denied permission">
          <p>WooCommerce did not give Rappit access to {outcome.store}. Connect again and choose Approve to import its orders.</p>
        </Banner>
      );
    case "failed":
      return (
        <Banner tone="critical" title={`Connection failed: ${outcome.store}`}>
          <p>{outcome.error}.</p>
        </Banner>
      );
    case "no-callback":
      return (
        <Banner tone="warning" title="The store never sent Rappit its keys">
          <p>
            {outcome.store} did not reach Rappit to hand over the API keys. The store must be able to make outgoing HTTPS requests (check
            security plugins and firewalls), then connect again.
          </p>
        </Banner>
      );
    default:
      return (
        <Banner tone="warning" title="That connection link is not known">
          <p>It may have expired. Start again with Connect WooCommerce store.</p>
        </Banner>
      );
  }
}

function ChannelCard({ channel, busy }: { channel: ChannelRow; busy: boolean }) {
  const badge = STATUS_BADGE[channel.status] ?? { tone: undefined, label: channel.status };
  const woo = channel.type === "WOOCOMMERCE";
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <BlockStack gap="050">
            <Text as="h3" variant="headingSm">
              {`${woo ? "WooCommerce" : "Shopify"}: ${channel.name}`}
            </Text>
            <Text as="p" tone="subdued">
              {channel.store}
              {channel.syncedTo ? ` · orders synced to ${new Date(channel.syncedTo).toLocaleString()}` : ""}
            </Text>
          </BlockStack>
          <Badge tone={badge.tone}>{badge.label}</Badge>
        </InlineStack>
        {channel.lastError && channel.status !== "CONNECTED" ? (
          <Text as="p" tone="critical">
            Last error: {channel.lastError}
          </Text>
        ) : null}
        {woo ? (
          <InlineStack gap="200">
            {channel.status === "CONNECTED" ? <ChannelButton channelId={channel.id} intent="sync" label="Sync now" busy={busy} /> : null}
            {channel.status === "CONNECTED" && (!channel.verified || channel.webhooks === 0) ? (
              <ChannelButton channelId={channel.id} intent="finish-setup" label="Finish setup" busy={busy} />
            ) : null}
            <ChannelButton channelId={channel.id} intent="reconnect" label="Reconnect" busy={busy} />
            {channel.status !== "DISCONNECTED" ? <ChannelButton channelId={channel.id} intent="disconnect" label="Disconnect" busy={busy} tone="critical" /> : null}
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function ChannelButton(props: { channelId: string; intent: string; label: string; busy: boolean; tone?: "critical" }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="channelId" value={props.channelId} />
      <Button submit disabled={props.busy} tone={props.tone}>
        {props.label}
      </Button>
    </Form>
  );
}

export default function Connections() {
  const { channels, outcome } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const [storeUrl, setStoreUrl] = useState("");
  const fieldError = result && "field" in result ? result.error : undefined;

  return (
    <Page>
      <TitleBar title="Connections" />
      <Layout>
        {outcome ? (
          <Layout.Section>
            <OutcomeBanner outcome={outcome} />
          </Layout.Section>
        ) : null}
        {result && "error" in result && !fieldError ? (
          <Layout.Section>
            <Banner tone="critical" title={result.error} />
          </Layout.Section>
        ) : null}
        {result && "notice" in result ? (
          <Layout.Section>
            <Banner tone="info" title={result.notice} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {channels.map((channel) => (
              <ChannelCard key={channel.id} channel={channel} busy={busy} />
            ))}
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="connect" />
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Connect WooCommerce store
                </Text>
                <TextField
                  label="Store address"
                  name="storeUrl"
                  value={storeUrl}
                  onChange={setStoreUrl}
                  placeholder="https://shop.example.com"
                  helpText="You will approve Rappit's access on your store's WordPress admin, then come back here."
                  autoComplete="url"
                  error={fieldError}
                />
                <Button submit variant="primary" loading={busy}>
                  Connect WooCommerce store
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
