// Rappit's web pixel: forwards checkout events to Rappit's ingest endpoint (the `endpoint`
// setting) with the shop's `accountID`. Runs in Shopify's strict sandbox (a web worker):
// no DOM, only the standard web APIs and what `register` hands over.
import { register } from "@shopify/web-pixels-extension";
import { FORWARDED_EVENTS, toPixelPayload } from "./payload";

register(({ analytics, browser, settings }) => {
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint : "";
  if (!/^https?:\/\//.test(endpoint)) return; // not activated with an endpoint: send nothing

  const send = (body: string): void => {
    // text/plain keeps it a CORS "simple" request (no preflight); keepalive lets it finish
    // when the buyer leaves the page. Where fetch is refused, the sandbox's sendBeacon.
    fetch(endpoint, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain;charset=UTF-8" } }).catch(() => {
      browser.sendBeacon(endpoint, body).catch(() => undefined);
    });
  };

  for (const name of FORWARDED_EVENTS) {
    analytics.subscribe(name, (event) => {
      const payload = toPixelPayload(event, settings.accountID);
      if (payload) send(JSON.stringify(payload));
    });
  }
});
