// The admin page around the app: Shopify's top bar, the sidebar with the app's menu, the
// app's title bar, and the iframe. Plain HTML and CSS, close enough to the real admin that
// screenshots of the app read as admin pages.
import type { HostPageConfig } from "./protocol";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

// "</script>" inside JSON would end the script element early.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const STYLE = `
  * { box-sizing: border-box; }
  html, body { margin: 0; height: 100%; }
  body { font-family: -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
         font-size: 13px; background: #1a1a1a; color: #303030; display: flex; flex-direction: column; }
  .topbar { height: 56px; flex: none; display: flex; align-items: center; gap: 16px; padding: 0 16px; color: #e3e3e3; }
  .topbar .brand { font-weight: 650; font-size: 14px; color: #fff; }
  .topbar .store { margin-left: auto; background: #303030; border-radius: 8px; padding: 6px 10px; }
  .shell { flex: 1; display: flex; min-height: 0; background: #f1f1f1; border-radius: 12px 12px 0 0; overflow: hidden; }
  .sidebar { width: 240px; flex: none; background: #ebebeb; padding: 12px 8px; overflow-y: auto; }
  .sidebar .section { color: #616161; font-weight: 550; padding: 12px 8px 4px; }
  .sidebar a { display: block; color: #303030; text-decoration: none; padding: 6px 8px; border-radius: 8px; }
  .sidebar a:hover { background: #e3e3e3; }
  .sidebar a[aria-current="page"] { background: #fff; font-weight: 650; }
  .sidebar ul { list-style: none; margin: 0; padding: 0 0 0 12px; }
  #app-home { font-weight: 650; }
  .main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
  .titlebar { height: 48px; flex: none; display: flex; align-items: center; gap: 8px; padding: 0 20px;
              background: #f1f1f1; border-bottom: 1px solid #e3e3e3; font-weight: 650; font-size: 14px; }
  .titlebar .app-icon { width: 24px; height: 24px; border-radius: 6px; background: #5c6ac4; }
  iframe { flex: 1; width: 100%; border: 0; background: #f1f1f1; }
  #admin-toasts { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; }
  .toast { background: #1a1a1a; color: #fff; padding: 12px 16px; border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
  .toast-error { background: #8e1f0b; }
`;

export function renderAdminPage(options: { config: HostPageConfig; frameUrl: string; appName: string }): string {
  const { config, frameUrl, appName } = options;
  const store = config.shop.replace(/\.myshopify\.com$/, "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(appName)} · Shopify admin (local)</title>
<style>${STYLE}</style>
</head>
<body>
<header class="topbar"><span class="brand">Shopify admin (local)</span><span class="store">${escapeHtml(store)}</span></header>
<div class="shell">
  <nav class="sidebar" aria-label="Admin">
    <div class="section">Apps</div>
    <a id="app-home" href="${escapeHtml(config.basePath)}/app" data-href="/app">${escapeHtml(appName)}</a>
    <ul id="app-nav"></ul>
  </nav>
  <main class="main">
    <div class="titlebar"><span class="app-icon" aria-hidden="true"></span><span id="app-title">${escapeHtml(appName)}</span></div>
    <iframe id="app-frame" name="app-iframe" title="${escapeHtml(appName)}" src="${escapeHtml(frameUrl)}"></iframe>
  </main>
</div>
<div id="admin-toasts" aria-live="polite"></div>
<script type="application/json" id="admin-host-config">${scriptJson(config)}</script>
<script src="/host-page.js"></script>
</body>
</html>`;
}

export function renderStoreList(links: Array<{ shop: string; href: string }>): string {
  const items = links.map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.shop)}</a></li>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shopify admin (local)</title></head>
<body style="font-family: sans-serif; padding: 24px"><h1>Shopify admin (local)</h1><p>Stores open in this admin:</p><ul>${items}</ul></body></html>`;
}
