import { ApiVersion } from "@shopify/shopify-api";

/** The Admin API version Rappit is built and tested against (also in shopify.app*.toml). */
export const API_VERSION = ApiVersion.October26;
