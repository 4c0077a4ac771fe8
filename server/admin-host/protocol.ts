// The postMessage protocol between the App Bridge stand-in (inside the app's iframe) and
// the admin host page around it. Both sides check the other's origin before reading a message.

/** Marks our messages, so other postMessage traffic in the page is ignored. */
export const CHANNEL = "rappit-admin-host";

/** Headers the Shopify library sets on answers to App Bridge's authenticated fetches. */
export const RETRY_INVALID_SESSION_HEADER = "X-Shopify-Retry-Invalid-Session-Request";
export const REAUTHORIZE_URL_HEADER = "X-Shopify-API-Request-Failure-Reauthorize-Url";

/** Query parameters the admin adds to the app's address; not part of the app's own path. */
export const ADMIN_PARAMS = ["shop", "host", "embedded", "id_token", "locale", "hmac", "session", "timestamp"];

export interface NavItem {
  href: string;
  label: string;
  /** rel="home": the app's name in the admin links to it, it is not listed. */
  home: boolean;
}

export type AppMessage =
  | { channel: typeof CHANNEL; type: "id-token"; requestId: number }
  | { channel: typeof CHANNEL; type: "nav-menu"; items: NavItem[] }
  | { channel: typeof CHANNEL; type: "title"; title: string }
  | { channel: typeof CHANNEL; type: "toast"; id: string; message: string; isError: boolean; durationMs: number }
  | { channel: typeof CHANNEL; type: "toast-hide"; id: string }
  /** The iframe's path and query (admin parameters removed), for the admin's own address bar. */
  | { channel: typeof CHANNEL; type: "location"; path: string }
  | { channel: typeof CHANNEL; type: "redirect"; url: string; target: "_top" | "_parent" };

export type HostMessage =
  | { channel: typeof CHANNEL; type: "id-token"; requestId: number; token: string | null; error: string | null }
  | { channel: typeof CHANNEL; type: "navigate"; href: string };

export function isOurMessage<T extends { channel: string }>(data: unknown): data is T {
  return typeof data === "object" && data !== null && (data as { channel?: unknown }).channel === CHANNEL;
}

/** What the admin page hands its own script (JSON in the page). */
export interface HostPageConfig {
  appOrigin: string;
  shop: string;
  /** /store/<store>/apps/<handle>: the host's address for the app's path "/". */
  basePath: string;
}
