// The namespace index and a light system_status: what an app calls to check
// that freshly received keys work and which WooCommerce it talks to.
import { READ_METHODS, type RestContext, type RestRoute } from "./rest";

function systemStatus(ctx: RestContext) {
  const { state } = ctx;
  return {
    environment: {
      home_url: state.homeUrl,
      site_url: state.homeUrl,
      version: state.version,
      wp_version: state.wpVersion,
      wp_multisite: false,
      wp_debug_mode: false,
      language: "en_US",
      server_info: "nginx/1.27",
      php_version: "8.3.14",
      default_timezone: "UTC",
    },
    settings: {
      api_enabled: true,
      force_ssl: false,
      currency: state.currency,
      currency_symbol: "&#36;",
      currency_position: "left",
      thousand_separator: ",",
      decimal_separator: ".",
      number_of_decimals: 2,
      HPOS_enabled: true,
    },
    security: { secure_connection: state.homeUrl.startsWith("https://"), hide_errors: true },
    active_plugins: [{ plugin: "woocommerce/woocommerce.php", name: "WooCommerce", version: state.version }],
  };
}

export const systemRoutes: RestRoute[] = [
  {
    methods: READ_METHODS,
    pattern: /^\/?$/,
    capability: null,
    handle: (ctx) => ({ status: 200, body: { name: "Emulated WooCommerce store", url: ctx.state.homeUrl, home: ctx.state.homeUrl, namespaces: ["wc/v3"] } }),
  },
  { methods: READ_METHODS, pattern: /^\/wc\/v3\/?$/, capability: null, handle: () => ({ status: 200, body: { namespace: "wc/v3", routes: {} } }) },
  { methods: READ_METHODS, pattern: /^\/wc\/v3\/system_status$/, capability: "list", handle: (ctx) => ({ status: 200, body: systemStatus(ctx) }) },
];
