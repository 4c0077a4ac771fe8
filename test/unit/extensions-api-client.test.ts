// The extensions' API client: paths, bodies and the mapping of each status to a typed result,
// on real fetch Responses (only the network is replaced).
import { describe, expect, it } from "vitest";
import { createRappitApi, retryAfterSeconds, type FetchLike } from "../../extensions/rappit-order-shared/src/api";

const GID = "gid://shopify/Order/5512345678901";

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Array<{ input: string; init?: RequestInit }> = [];
  const fetchImpl: FetchLike = async (input, init) => {
    calls.push({ input, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
  };
  return { api: createRappitApi(fetchImpl), calls };
}

describe("extension API client", () => {
  it("GETs the summary at a relative path with the gid URL-encoded", async () => {
    const { api, calls } = answering(200, { order: { id: "o1" } });
    const result = await api.orderSummary(GID);
    expect(result).toMatchObject({ ok: true, status: 200, data: { order: { id: "o1" } } });
    expect(calls[0].input).toBe("/api/extensions/orders/gid%3A%2F%2Fshopify%2FOrder%2F5512345678901");
  });

  it("POSTs a decision as JSON, the reason trimmed and left out when empty", async () => {
    const { api, calls } = answering(200, { status: "REJECTED", decidedAt: "2026-11-20T11:00:00.000Z" });
    await api.decide(GID, "REJECT", "  fake address ");
    await api.decide(GID, "APPROVE", "   ");
    expect(calls[0].input).toMatch(/\/decision$/);
    expect(calls[0].init?.method).toBe("POST");
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({ decision: "REJECT", reason: "fake address" });
    expect(JSON.parse(String(calls[1].init?.body))).toEqual({ decision: "APPROVE" });
  });

  it("403 → forbidden with the server's message", async () => {
    const { api } = answering(403, { error: "A staff account is needed." });
    expect(await api.decide(GID, "APPROVE")).toMatchObject({ ok: false, kind: "forbidden", status: 403, message: "A staff account is needed." });
  });

  it("409 → conflict with who decided and when", async () => {
    const { api } = answering(409, { error: "Already decided.", code: "ALREADY_DECIDED", status: "APPROVED", decidedByEmail: "bo@shop.test", decidedAt: "2026-11-20T11:00:00.000Z", decidedVia: "APP" });
    expect(await api.decide(GID, "REJECT")).toMatchObject({
      kind: "conflict",
      decisionStatus: "APPROVED",
      decidedByEmail: "bo@shop.test",
      decidedAt: "2026-11-20T11:00:00.000Z",
      decidedVia: "APP",
    });
  });

  it("429 → rateLimited with Retry-After in seconds", async () => {
    const { api } = answering(429, { error: "Too many decisions." }, { "Retry-After": "30" });
    expect(await api.decide(GID, "APPROVE")).toMatchObject({ kind: "rateLimited", retryAfterSeconds: 30, message: "Too many decisions." });
  });

  it("422 and 503 on the label purchase; 409 while one is in progress", async () => {
    expect(await answering(422, { error: "FedEx refused." }).api.buyLabel(GID, "acc", "GROUND")).toMatchObject({ kind: "unprocessable", message: "FedEx refused." });
    expect(await answering(503, { error: "Breaker open." }, { "Retry-After": "12" }).api.buyLabel(GID, "acc", "GROUND")).toMatchObject({ kind: "unavailable", retryAfterSeconds: 12 });
    const inProgress = answering(409, { error: "In progress." });
    expect(await inProgress.api.buyLabel(GID, "acc", "GROUND")).toMatchObject({ kind: "conflict" });
    expect(JSON.parse(String(inProgress.calls[0].init?.body))).toEqual({ shippingAccountId: "acc", service: "GROUND" });
    expect(inProgress.calls[0].input).toMatch(/\/label$/);
  });

  it("404 and a body without JSON fall back to our own sentence", async () => {
    const fetchImpl: FetchLike = async () => new Response("<html>bad gateway</html>", { status: 502 });
    expect(await createRappitApi(fetchImpl).orderSummary(GID)).toMatchObject({ kind: "server", status: 502, message: "Rappit had a problem answering." });
    expect(await answering(404, { error: "Order not found." }).api.rates(GID)).toMatchObject({ kind: "notFound", message: "Order not found." });
  });

  it("a network failure is a result, not an exception", async () => {
    const fetchImpl: FetchLike = async () => {
      throw new TypeError("fetch failed");
    };
    expect(await createRappitApi(fetchImpl).retryDeadLetter("dl1")).toMatchObject({ ok: false, kind: "network", status: null, message: "Rappit could not be reached. (fetch failed)" });
  });

  it("retries a dead letter at its own path", async () => {
    const { api, calls } = answering(200, { jobId: "job-1" });
    expect(await api.retryDeadLetter("dl/1")).toMatchObject({ ok: true, data: { jobId: "job-1" } });
    expect(calls[0].input).toBe("/api/extensions/dead-letters/dl%2F1/retry");
  });

  it("Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-20T10:00:00Z");
    expect(retryAfterSeconds("5", now)).toBe(5);
    expect(retryAfterSeconds("Fri, 20 Nov 2026 10:00:42 GMT", now)).toBe(42);
    expect(retryAfterSeconds("soon", now)).toBeNull();
    expect(retryAfterSeconds(null, now)).toBeNull();
  });
});
