// The App Bridge stand-in: runs inside the app's iframe in place of Shopify's
// cdn.shopify.com/shopifycloud/app-bridge.js, for the browser tests and the demo only.
// It implements the slice Rappit uses: `shopify.idToken()`, `shopify.toast`, the
// `ui-nav-menu` and `ui-title-bar` elements, authenticated same-origin fetches, the
// session-token bounce page and top-level redirects (`window.open(url, "_top")`).
// Bundled by server/admin-host/browser-scripts.ts; ADMIN_HOST_ORIGIN is set there.
import {
  ADMIN_PARAMS,
  CHANNEL,
  REAUTHORIZE_URL_HEADER,
  RETRY_INVALID_SESSION_HEADER,
  isOurMessage,
  type AppMessage,
  type HostMessage,
  type NavItem,
} from "../protocol";

declare const ADMIN_HOST_ORIGIN: string;

type Outgoing = AppMessage extends infer M ? (M extends AppMessage ? Omit<M, "channel"> : never) : never;

function post(message: Outgoing): void {
  window.parent.postMessage({ ...message, channel: CHANNEL }, ADMIN_HOST_ORIGIN);
}

// ---- configuration, as App Bridge reads it from the admin's parameters ----

const script = document.currentScript as HTMLScriptElement | null;
const params = new URLSearchParams(location.search);
// Remix navigations drop the admin's parameters from the address: keep the first ones seen.
const remembered = JSON.parse(sessionStorage.getItem("rappit-app-bridge") ?? "{}") as { shop?: string; host?: string };
const shop = params.get("shop") ?? remembered.shop ?? "";
const host = params.get("host") ?? remembered.host ?? "";
sessionStorage.setItem("rappit-app-bridge", JSON.stringify({ shop, host }));

// ---- session tokens, from the host page ----

let requestSeq = 0;
const pendingTokens = new Map<number, { resolve: (token: string) => void; reject: (error: Error) => void }>();
let cachedToken: { token: string; expiresAt: number } | null = null;

function expiryOf(token: string): number {
  const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { exp: number };
  return payload.exp * 1000;
}

/** A token with at least 10 s to live, like App Bridge's cache; `fresh` forces a new one. */
async function idToken(fresh = false): Promise<string> {
  if (!fresh && cachedToken && cachedToken.expiresAt - Date.now() > 10_000) return cachedToken.token;
  const requestId = ++requestSeq;
  const token = await new Promise<string>((resolve, reject) => {
    pendingTokens.set(requestId, { resolve, reject });
    post({ type: "id-token", requestId });
    setTimeout(() => {
      if (pendingTokens.delete(requestId)) reject(new Error("The admin did not answer the session token request"));
    }, 10_000);
  });
  cachedToken = { token, expiresAt: expiryOf(token) };
  return token;
}

window.addEventListener("message", (event) => {
  if (event.origin !== ADMIN_HOST_ORIGIN || event.source !== window.parent) return;
  if (!isOurMessage<HostMessage>(event.data)) return;
  const message = event.data;
  if (message.type === "id-token") {
    const pending = pendingTokens.get(message.requestId);
    pendingTokens.delete(message.requestId);
    if (message.token) pending?.resolve(message.token);
    else pending?.reject(new Error(message.error ?? "No session token"));
  } else if (message.type === "navigate") {
    navigateFromAdmin(message.href);
  }
});

// ---- top-level navigation ----

const nativeOpen = window.open.bind(window);

/** The admin, not the iframe, leaves for another site (OAuth grant pages, admin links). */
function redirectTop(url: string, target: "_top" | "_parent"): void {
  post({ type: "redirect", url: new URL(url, location.href).href, target });
}

window.open = (url?: string | URL, target?: string, features?: string): WindowProxy | null => {
  if (url !== undefined && (target === "_top" || target === "_parent")) {
    redirectTop(String(url), target);
    return null;
  }
  return nativeOpen(url, target, features);
};

// ---- authenticated fetch ----

const nativeFetch = window.fetch.bind(window);

function withToken(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(request, { headers });
}

// App Bridge adds the session token to the app's own requests (Remix loaders and actions),
// retries once with a new token when the server asks, and follows re-authorization.
window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init);
  if (new URL(request.url).origin !== location.origin || request.headers.has("Authorization")) {
    return nativeFetch(request);
  }
  const spare = request.clone();
  let response = await nativeFetch(withToken(request, await idToken()));
  if (response.status === 401 && response.headers.get(RETRY_INVALID_SESSION_HEADER) === "1") {
    response = await nativeFetch(withToken(spare, await idToken(true)));
  }
  const reauthorize = response.headers.get(REAUTHORIZE_URL_HEADER);
  if (reauthorize) redirectTop(reauthorize, "_top");
  return response;
};

// ---- the address the admin shows ----

function reportLocation(): void {
  if (location.pathname.startsWith("/auth/")) return;
  const search = new URLSearchParams(location.search);
  for (const name of ADMIN_PARAMS) search.delete(name);
  const query = search.toString();
  post({ type: "location", path: `${location.pathname}${query ? `?${query}` : ""}` });
}

for (const method of ["pushState", "replaceState"] as const) {
  const original = history[method].bind(history);
  history[method] = (data: unknown, unused: string, url?: string | URL | null) => {
    original(data, unused, url);
    reportLocation();
  };
}
window.addEventListener("popstate", reportLocation);

// ---- ui-nav-menu and ui-title-bar ----

/** A link of the admin's app menu was clicked: the app's router takes it (AppProvider listens). */
function navigateFromAdmin(href: string): void {
  const link = [...document.querySelectorAll<HTMLAnchorElement>("ui-nav-menu a, s-app-nav a")].find(
    (anchor) => anchor.getAttribute("href") === href,
  );
  if (link) link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  else location.assign(new URL(href, location.href).href);
}

/** Content of these elements belongs to the admin's chrome, never to the app's page. */
abstract class AdminChromeElement extends HTMLElement {
  private readonly observer = new MutationObserver(() => this.report());
  connectedCallback(): void {
    this.style.display = "none";
    this.observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
    this.report();
  }
  disconnectedCallback(): void {
    this.observer.disconnect();
  }
  protected abstract report(): void;
}

class NavMenuElement extends AdminChromeElement {
  protected report(): void {
    const items: NavItem[] = [...this.querySelectorAll("a")].map((anchor) => ({
      href: anchor.getAttribute("href") ?? "",
      label: anchor.textContent?.trim() ?? "",
      home: anchor.getAttribute("rel") === "home",
    }));
    post({ type: "nav-menu", items });
  }
}

class TitleBarElement extends AdminChromeElement {
  protected report(): void {
    post({ type: "title", title: this.getAttribute("title") ?? "" });
  }
}

customElements.define("ui-nav-menu", NavMenuElement);
customElements.define("s-app-nav", class extends NavMenuElement {});
customElements.define("ui-title-bar", TitleBarElement);

// ---- the `shopify` global ----

let toastSeq = 0;
const shopifyGlobal = {
  config: { apiKey: script?.dataset.apiKey ?? "", shop, host, locale: params.get("locale") ?? "en" },
  environment: { embedded: true, mobile: false, pos: false },
  idToken: () => idToken(),
  toast: {
    show(message: string, options?: { isError?: boolean; duration?: number }): string {
      const id = `toast-${++toastSeq}`;
      post({ type: "toast", id, message, isError: options?.isError === true, durationMs: options?.duration ?? 5_000 });
      return id;
    },
    hide(id: string): void {
      post({ type: "toast-hide", id });
    },
  },
};
Object.defineProperty(window, "shopify", { value: shopifyGlobal, configurable: false, writable: false });

// ---- the session-token bounce page (/auth/session-token?shopify-reload=...) ----

// The library sends a document request without a token here; App Bridge fetches one and
// reloads the app's own address with it.
if (location.pathname === "/auth/session-token") {
  const reload = params.get("shopify-reload");
  const target = reload ? new URL(reload, location.href) : null;
  if (target && target.origin === location.origin) {
    void idToken(true).then((token) => {
      target.searchParams.set("id_token", token);
      location.replace(target.href);
    });
  }
} else {
  reportLocation();
}
