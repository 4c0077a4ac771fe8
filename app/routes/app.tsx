// Layout of every embedded page (/app/*): authenticates once, renders App Bridge and Polaris.
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { getConfig } from "~/config/env.server";
import { authenticate } from "~/shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const config = getConfig();
  return { apiKey: config.SHOPIFY_API_KEY, appBridgeUrl: config.APP_BRIDGE_URL ?? null };
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    // APP_BRIDGE_URL (development, tests, demo; refused in production) swaps Shopify's CDN
    // script for the local admin host's stand-in (app/shopify/local-admin-host.server.ts).
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/approvals">Approvals</Link>
        <Link to="/app/inventory">Inventory</Link>
        <Link to="/app/connections">Connections</Link>
        <Link to="/app/carriers">Carriers</Link>
        <Link to="/app/messages">Messages</Link>
        <Link to="/app/jobs">Jobs</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/privacy">Data requests</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch thrown responses so their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
