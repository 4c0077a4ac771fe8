// The /wc-auth/v1/ key handshake (WC_Auth). Every route validates the five
// parameters first; errors are wp_die() pages with status 401. The grant page
// has an Approve link (access_granted + a reusable WordPress nonce) and a Deny
// link (return_url + success=0). access_granted creates the key, POSTs it as
// JSON to callback_url, and keeps it only if the answer is exactly 200.
// URLs pass through PHP's urldecode() once more than a browser would
// (get_formatted_url), so "+" in a return_url comes back as a space.
import { randomBytes } from "node:crypto";
import { htmlReply, redirectReply, send, sendRouted, type HttpReply } from "./http";
import { addQueryArg, escHtml, escUrl, escUrlRaw, isValidUrl, mysqlDate, parsePhpQuery, phpJsonEncode, rawurlencode, urldecode, wcClean } from "./php";
import type { Permission, WooState } from "./state";

const PARAMS = ["app_name", "user_id", "return_url", "callback_url", "scope"] as const;
type AuthData = Record<(typeof PARAMS)[number], string>;

const SCOPE_NAMES: Record<Permission, string> = { read: "Read", write: "Write", read_write: "Read/Write" };
const SCOPE_PERMISSIONS: Record<Permission, string[]> = {
  read: ["View coupons", "View customers", "View orders and sales reports", "View products"],
  write: ["Create webhooks", "Create coupons", "Create customers", "Create orders", "Create products"],
  read_write: [
    "Create webhooks",
    "View and manage coupons",
    "View and manage customers",
    "View and manage orders and sales reports",
    "View and manage products",
  ],
};

class AuthFailure extends Error {}

/** get_formatted_url(): decoded once more, https:// added when there is no scheme. */
function formatted(url: string): string {
  const decoded = urldecode(url);
  return decoded.includes("://") ? decoded : `https://${decoded}`;
}

/** make_validation(), over $_REQUEST (query, then form fields). */
function validate(state: WooState, request: Map<string, unknown>): AuthData {
  const data = {} as AuthData;
  for (const name of PARAMS) {
    const value = request.get(name);
    if (value === undefined || value === "" || value === "0") throw new AuthFailure(`Missing parameter ${name}`);
    if (typeof value !== "string") throw new AuthFailure(`Invalid parameter ${name}`);
    data[name] = value;
  }
  if (!["read", "write", "read_write"].includes(data.scope)) throw new AuthFailure(`Invalid scope ${wcClean(data.scope)}`);
  for (const name of ["return_url", "callback_url"] as const) {
    const url = formatted(data[name]);
    if (!isValidUrl(url)) throw new AuthFailure(`The ${url} is not a valid URL`);
  }
  if (!formatted(data.callback_url).toLowerCase().startsWith("https://") && !state.allowInsecureCallback) {
    throw new AuthFailure("The callback_url needs to be over SSL");
  }
  return data;
}

/** build_url(): the endpoint URL (trailing slash, as wc_get_endpoint_url makes it) with the handshake parameters. */
function buildUrl(state: WooState, data: AuthData, endpoint: string): string {
  return addQueryArg(`${state.homeUrl}/wc-auth/v1/${endpoint}/`, [
    ["app_name", wcClean(data.app_name)],
    ["user_id", wcClean(data.user_id)],
    ["return_url", rawurlencode(formatted(data.return_url))],
    ["callback_url", rawurlencode(formatted(data.callback_url))],
    ["scope", wcClean(data.scope)],
  ]);
}

function returnUrl(data: AuthData, success: 0 | 1): string {
  return addQueryArg(formatted(data.return_url), [
    ["success", String(success)],
    ["user_id", wcClean(data.user_id)],
  ]);
}

function page(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta name="viewport" content="width=device-width" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="noarchive" />
<title>${escHtml(title)}</title>
</head>
<body class="wc-auth wp-core-ui">
<h1 id="wc-logo">WooCommerce</h1>
<div class="wc-auth-content">
${content}
</div>
</body>
</html>
`;
}

/** wp_die( ..., 'Access denied', 401 ). */
export function wpDie(message: string): HttpReply {
  const body = `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width" />
<meta name='robots' content='noindex, follow' />
<title>Access denied</title>
</head>
<body id="error-page">
<div class="wp-die-message">${escHtml(message)}</div>
</body>
</html>
`;
  return htmlReply(401, body);
}

function grantPage(state: WooState, data: AuthData): string {
  const nonce = randomBytes(5).toString("hex");
  state.authNonces.add(nonce);
  const app = `<strong>${escHtml(wcClean(data.app_name))}</strong>`;
  const scope = data.scope as Permission;
  const granted = addQueryArg(buildUrl(state, data, "access_granted"), [["wc_auth_nonce", nonce]]);
  const logout = addQueryArg(`${state.homeUrl}/wp-login.php`, [
    ["action", "logout"],
    ["redirect_to", rawurlencode(buildUrl(state, data, "login"))],
    ["_wpnonce", randomBytes(5).toString("hex")],
  ]);
  return page(
    "Connect Store",
    `<p>${app} would like to connect to your store. This will give "${app}" <strong>${SCOPE_NAMES[scope]}</strong> access which will allow it to:</p>
<ul class="wc-auth-permissions">
${SCOPE_PERMISSIONS[scope].map((item) => `<li>${escHtml(item)}</li>`).join("\n")}
</ul>
<div class="wc-auth-logged-in-as">
<p>Logged in as admin <a href="${escUrl(logout)}" class="wc-auth-logout">Logout</a></p>
</div>
<p class="wc-auth-actions">
<a href="${escUrl(granted)}" class="button button-primary wc-auth-approve">Approve</a>
<a href="${escUrl(returnUrl(data, 0))}" class="button wc-auth-deny">Deny</a>
</p>`,
  );
}

function loginPage(state: WooState, data: AuthData): string {
  const app = escHtml(wcClean(data.app_name));
  return page(
    "Log in",
    `<p>To connect to ${app} you need to be logged in. Log in to your store below, or <a href="${escUrl(returnUrl(data, 0))}">cancel and return to ${app}</a></p>
<form method="post" class="wc-auth-login">
<p class="form-row form-row-wide"><label for="username">Username or email address&nbsp;<span class="required">*</span></label><input type="text" class="input-text" name="username" id="username" value="" /></p>
<p class="form-row form-row-wide"><label for="password">Password&nbsp;<span class="required">*</span></label><input class="input-text" type="password" name="password" id="password" /></p>
<p class="wc-auth-actions">
<input type="hidden" name="woocommerce-login-nonce" value="${randomBytes(5).toString("hex")}" />
<button type="submit" class="button button-large button-primary wc-auth-login-button" name="login" value="Login">Login</button>
<input type="hidden" name="redirect" value="${escUrl(buildUrl(state, data, "authorize"))}" />
</p>
</form>`,
  );
}

export interface WcAuthRequest {
  method: string;
  /** The route after /wc-auth/v1/, slashes trimmed. */
  route: string;
  query: string;
  formBody: string | null;
}

/** Handles one /wc-auth/v1/<route> request. `route` rewrites outbound URLs. */
export async function handleWcAuth(state: WooState, request: WcAuthRequest, routeOutbound: (url: string) => string): Promise<HttpReply> {
  const form = request.formBody ? parsePhpQuery(request.formBody) : new Map<string, unknown>();
  const params = new Map<string, unknown>([...parsePhpQuery(request.query), ...form]);
  const route = wcClean(request.route).toLowerCase();

  // WC_Form_Handler::process_login: the login form posts back here and logs the merchant in.
  if (request.method === "POST" && form.has("login") && form.get("username") && form.get("password")) {
    state.loggedIn = true;
    const redirect = form.get("redirect");
    if (typeof redirect === "string" && redirect.startsWith(state.homeUrl)) return redirectReply(redirect);
  }

  let keyId: number | null = null;
  try {
    const data = validate(state, params);
    if (route === "login" && !state.loggedIn) return htmlReply(200, loginPage(state, data));
    if (route === "login") return redirectReply(escUrlRaw(buildUrl(state, data, "authorize")));
    if (route === "authorize" && !state.loggedIn) return redirectReply(escUrlRaw(buildUrl(state, data, "login")));
    const canManage = state.loggedIn && state.canManageWoocommerce;
    if (route === "authorize" && canManage) return htmlReply(200, grantPage(state, data));
    if (route !== "access_granted" || !canManage) throw new AuthFailure("You do not have permission to access this page");

    const nonce = params.get("wc_auth_nonce");
    if (typeof nonce !== "string" || !state.authNonces.has(nonce)) throw new AuthFailure("Invalid nonce verification");
    const appName = wcClean(data.app_name);
    const key = state.issueKey({
      permissions: data.scope as Permission,
      description: `${appName.length > 170 ? `${appName.slice(0, 167)}...` : appName} - API (${mysqlDate(state.now())})`,
      appUserId: data.user_id,
    });
    keyId = key.keyId;
    // user_id comes from the request as is: a JSON string, whatever the docs show.
    const body = phpJsonEncode({
      key_id: key.keyId,
      user_id: data.user_id,
      consumer_key: key.consumerKey,
      consumer_secret: key.consumerSecret,
      key_permissions: key.permissions,
    });
    const callbackUrl = escUrlRaw(formatted(data.callback_url));
    const attempt = { url: callbackUrl, routedUrl: routeOutbound(callbackUrl), body, status: null as number | null, error: null as string | null, at: mysqlDate(state.now()) };
    state.callbacks.push(attempt);
    try {
      const response = await sendRouted(callbackUrl, routeOutbound, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json;charset=UTF-8", "User-Agent": `WordPress/${state.wpVersion}; ${state.homeUrl}` },
        timeoutMs: 60_000,
        maxRedirects: 5,
      });
      attempt.status = response.status;
    } catch (error) {
      attempt.error = (error as Error).message;
      throw new AuthFailure(attempt.error);
    }
    if (attempt.status !== 200) throw new AuthFailure("An error occurred in the request and at the time were unable to send the consumer data");
    return redirectReply(escUrlRaw(returnUrl(data, 1)));
  } catch (error) {
    if (!(error instanceof AuthFailure)) throw error;
    // maybe_delete_key(): a key whose callback failed is removed.
    if (keyId !== null) state.deleteKey(keyId);
    return wpDie(`Error: ${error.message}.`);
  }
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#0*38;|&amp;/g, "&")
    .replace(/&#0*39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** The href of the first <a> with this class in a page, decoded as a browser would. */
export function linkWithClass(html: string, className: string): string | null {
  for (const [tag] of html.matchAll(/<a\s[^>]*>/gi)) {
    const classes = /\sclass="([^"]*)"/i.exec(tag)?.[1].split(/\s+/) ?? [];
    const href = /\shref="([^"]*)"/i.exec(tag)?.[1];
    if (classes.includes(className) && href !== undefined) return decodeEntities(href);
  }
  return null;
}

/**
 * The merchant clicks Approve: loads the authorize page and follows its
 * Approve link without following the final redirect. When the page has no
 * Approve link (an error page, a login redirect), that answer is returned.
 */
export async function merchantApprove(authorizeUrl: string, ca?: string): Promise<{ status: number; location: string | null; body: string }> {
  const grant = await send(authorizeUrl, { ca });
  const approve = grant.status === 200 ? linkWithClass(grant.body, "wc-auth-approve") : null;
  const answer = approve ? await send(approve, { ca, timeoutMs: 120_000 }) : grant;
  return { status: answer.status, location: answer.headers.location ?? null, body: answer.body };
}

/** The merchant clicks Deny: where the Deny link on the authorize page goes (nothing is sent to the app). */
export async function merchantDeny(authorizeUrl: string, ca?: string): Promise<{ location: string }> {
  const grant = await send(authorizeUrl, { ca });
  const deny = grant.status === 200 ? linkWithClass(grant.body, "wc-auth-deny") : null;
  if (!deny) throw new Error(`no Deny link on the authorize page (status ${grant.status}): ${grant.body.slice(0, 200)}`);
  return { location: deny };
}
