// The admin page's own script: answers the stand-in's requests (session tokens), shows
// what the app declares (menu, title, toasts), mirrors the app's path in the address bar
// and performs the top-level redirects the iframe may not do itself.
import {
  CHANNEL,
  isOurMessage,
  type AppMessage,
  type HostMessage,
  type HostPageConfig,
  type NavItem,
} from "../protocol";

const config = JSON.parse(document.getElementById("admin-host-config")?.textContent ?? "{}") as HostPageConfig;
const frame = document.getElementById("app-frame") as HTMLIFrameElement;
const navList = document.getElementById("app-nav") as HTMLUListElement;
const appHome = document.getElementById("app-home") as HTMLAnchorElement;
const title = document.getElementById("app-title") as HTMLElement;
const toasts = document.getElementById("admin-toasts") as HTMLElement;
let navItems: NavItem[] = [];
let currentPath = "/";

type Outgoing = HostMessage extends infer M ? (M extends HostMessage ? Omit<M, "channel"> : never) : never;

function send(message: Outgoing): void {
  frame.contentWindow?.postMessage({ ...message, channel: CHANNEL }, config.appOrigin);
}

async function answerTokenRequest(requestId: number): Promise<void> {
  try {
    const response = await fetch(`/session-token?shop=${encodeURIComponent(config.shop)}`);
    const body = (await response.json()) as { token?: string; error?: string };
    send({ type: "id-token", requestId, token: body.token ?? null, error: body.error ?? null });
  } catch (error) {
    send({ type: "id-token", requestId, token: null, error: (error as Error).message });
  }
}

/** Links into the real admin (e.g. an order's page) stay in this admin when they name the app. */
function adminAddress(url: string): string {
  const parsed = new URL(url);
  if (parsed.origin === "https://admin.shopify.com" && parsed.pathname.startsWith("/store/")) {
    return `${location.origin}${parsed.pathname}${parsed.search}`;
  }
  return parsed.href;
}

function isActive(href: string): boolean {
  const path = currentPath.split("?")[0];
  return path === href || path.startsWith(`${href}/`);
}

function renderNav(): void {
  const home = navItems.find((item) => item.home);
  appHome.href = `${config.basePath}${home?.href ?? "/"}`;
  appHome.dataset.href = home?.href ?? "/";
  navList.replaceChildren(
    ...navItems
      .filter((item) => !item.home)
      .map((item) => {
        const entry = document.createElement("li");
        const link = document.createElement("a");
        link.href = `${config.basePath}${item.href}`;
        link.dataset.href = item.href;
        link.textContent = item.label;
        if (isActive(item.href)) link.setAttribute("aria-current", "page");
        entry.append(link);
        return entry;
      }),
  );
}

function showToast(id: string, message: string, isError: boolean, durationMs: number): void {
  const toast = document.createElement("div");
  toast.className = isError ? "toast toast-error" : "toast";
  toast.dataset.toastId = id;
  toast.setAttribute("role", "status");
  toast.textContent = message;
  toasts.append(toast);
  setTimeout(() => toast.remove(), durationMs);
}

window.addEventListener("message", (event) => {
  if (event.origin !== config.appOrigin || event.source !== frame.contentWindow) return;
  if (!isOurMessage<AppMessage>(event.data)) return;
  const message = event.data;
  switch (message.type) {
    case "id-token":
      void answerTokenRequest(message.requestId);
      break;
    case "nav-menu":
      navItems = message.items;
      renderNav();
      break;
    case "title":
      title.textContent = message.title;
      document.title = `${message.title} · Shopify admin (local)`;
      break;
    case "toast":
      showToast(message.id, message.message, message.isError, message.durationMs);
      break;
    case "toast-hide":
      toasts.querySelector(`[data-toast-id="${CSS.escape(message.id)}"]`)?.remove();
      break;
    case "location":
      currentPath = message.path;
      history.replaceState(null, "", `${config.basePath}${message.path}`);
      renderNav();
      break;
    case "redirect":
      location.assign(adminAddress(message.url));
      break;
  }
});

// The admin's menu drives the app's router, the way App Bridge's `shopify:navigate` does.
document.addEventListener("click", (event) => {
  const link = (event.target as Element | null)?.closest<HTMLAnchorElement>("a[data-href]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  send({ type: "navigate", href: link.dataset.href ?? "/" });
});
