// Liveness: answers while the process runs; touches nothing else.
export const loader = () =>
  Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
