// Small display helpers shared by the three extensions. Dates are shown in UTC with the zone
// written out: the sandbox's locale and zone are not the merchant's for sure, and an
// approval's "when" must not be ambiguous.

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "unknown time";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatMoney(amount: number | string, currency: string): string {
  const value = typeof amount === "number" ? amount.toFixed(2) : amount;
  return `${value} ${currency}`;
}

/** PENDING_APPROVAL → "Pending approval". */
export function humanize(code: string): string {
  const words = code.toLowerCase().replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const VIA: Record<string, string> = {
  EMAIL_LINK: "the email link",
  APP: "the Rappit app",
  EXTENSION: "the order page",
  SYSTEM: "Rappit",
};

export const viaText = (via: string | null) => (via ? (VIA[via] ?? humanize(via)) : null);

/** "approved by ana@shop.test on 2026-11-20 10:15 UTC via the email link" */
export function decidedText(status: string, by: string | null, at: string | null, via: string | null): string {
  const verb = status === "APPROVED" ? "approved" : status === "REJECTED" ? "rejected" : humanize(status).toLowerCase();
  const who = by ? ` by ${by}` : "";
  const when = at ? ` on ${formatWhen(at)}` : "";
  const how = viaText(via) ? ` via ${viaText(via)}` : "";
  return `${verb}${who}${when}${how}`;
}

export interface BannerView {
  tone: "info" | "success" | "warning" | "critical";
  heading: string;
  text?: string;
}

export interface ButtonView {
  label: string;
  disabled: boolean;
  loading: boolean;
}

export interface DetailView {
  label: string;
  value: string;
}

/** "Try again in 30 seconds." when the server said how long. */
export function retryHint(seconds: number | null): string {
  if (seconds === null) return "";
  return seconds <= 1 ? " Try again in a second." : ` Try again in ${seconds} seconds.`;
}
