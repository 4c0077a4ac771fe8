// The client's address as the HTTP server saw it (after TRUST_PROXY), handed to routes
// through Remix's load context. Used for rate limits and the audit trail.
export type RappitLoadContext = {
  clientIp: string | null;
};

/** The caller's IP, or "unknown" when the route runs without the HTTP server (tests, scripts). */
export function clientIpOf(context: unknown): string {
  const ip = (context as Partial<RappitLoadContext> | null | undefined)?.clientIp;
  return typeof ip === "string" && ip.length > 0 ? ip : "unknown";
}
