// What the doctor says about a shop's connections: one check per line, OK / WARN /
// FAIL, and for anything not OK the fix in words support staff (or the merchant) can
// follow. Plain module: the Health card renders the same report in the browser.
export const CHECK_STATUSES = ["OK", "WARN", "FAIL"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface DoctorCheck {
  /** What was checked, e.g. "Shopify token", "WooCommerce https://store.example", "FedEx 740561073". */
  name: string;
  status: CheckStatus;
  /** What was found, without secrets. */
  detail: string;
  /** Present unless OK. */
  fix?: string;
}

export interface ShopReport {
  shop: string;
  checkedAt: string;
  checks: DoctorCheck[];
}

export function worstStatus(checks: readonly DoctorCheck[]): CheckStatus {
  if (checks.some((check) => check.status === "FAIL")) return "FAIL";
  return checks.some((check) => check.status === "WARN") ? "WARN" : "OK";
}

/** One line per check: `FAIL  shop  name: detail. Fix: …` (the format of `npm run doctor`). */
export function reportLines(reports: readonly ShopReport[]): string[] {
  return reports.flatMap((report) =>
    report.checks.map((check) => {
      const fix = check.fix ? ` Fix: ${check.fix}` : "";
      return `${check.status.padEnd(4)}  ${report.shop}  ${check.name}: ${check.detail}${fix}`;
    }),
  );
}

/** Exit code of the command: 1 when any check failed. */
export function exitCodeOf(reports: readonly ShopReport[]): number {
  return reports.some((report) => worstStatus(report.checks) === "FAIL") ? 1 : 0;
}
