// The tracking company names Shopify recognises and each carrier's public tracking page.
import type { Tracking } from "./shopify-writeback.server";

const CARRIERS: Record<string, { company: string; url: (number: string) => string }> = {
  FEDEX: { company: "FedEx", url: (n) => `https://www.fedex.com/fedextrack/?trknbr=${encodeURIComponent(n)}` },
  DHL_ECOMMERCE: { company: "DHL eCommerce", url: (n) => `https://webtrack.dhlecs.com/?trackingnumber=${encodeURIComponent(n)}` },
};

export function trackingFor(carrier: string, number: string): Tracking {
  const known = CARRIERS[carrier];
  if (!known) throw new Error(`no tracking page known for carrier ${carrier}`);
  return { company: known.company, number, url: known.url(number) };
}
