import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { createLogger } from "~/logging/logger.server";
import { currentJobTrace, jobTraceOf, requestIdFrom, runWithRequestContext, setContextShop } from "~/logging/request-context.server";
import { requestContext } from "../../server/request-context";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().trim().split("\n")) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination: stream }), lines };
}

describe("request context", () => {
  it("keeps a sane incoming X-Request-Id and replaces anything else", () => {
    expect(requestIdFrom("9f0c6e2a-53b1-4c1e-9a55-0a6d3b7f1c22")).toBe("9f0c6e2a-53b1-4c1e-9a55-0a6d3b7f1c22");
    expect(requestIdFrom("  lb-trace.1234:abcd  ")).toBe("lb-trace.1234:abcd");
    for (const bad of [undefined, null, "", "short", "x".repeat(200), "id with spaces 123", "id\n{\"level\":60}", "<script>alert(1)</script>"]) {
      const replaced = requestIdFrom(bad);
      expect(replaced).not.toBe(bad);
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("puts the request id and shop on every line written inside the context, and never a secret", () => {
    const { logger, lines } = capture();
    runWithRequestContext({ requestId: "req-0001-abcd" }, () => {
      logger.info("before the shop is known");
      setContextShop("demo.myshopify.com");
      logger.info({ accessToken: `shpat_${"a1B2".repeat(8)}` }, "after");
      logger.info({ shop: "other.myshopify.com" }, "explicit fields win");
    });
    logger.info("outside");
    expect(lines[0]).toMatchObject({ requestId: "req-0001-abcd", msg: "before the shop is known" });
    expect(lines[0]).not.toHaveProperty("shop");
    expect(lines[1]).toMatchObject({ requestId: "req-0001-abcd", shop: "demo.myshopify.com", accessToken: "[redacted]" });
    expect(lines[2]).toMatchObject({ shop: "other.myshopify.com" });
    expect(lines[3]).not.toHaveProperty("requestId");
    expect(JSON.stringify(lines)).not.toContain("shpat_");
  });

  it("hands the request's id and shop to the jobs it enqueues, and reads them back safely", () => {
    expect(currentJobTrace()).toBeUndefined();
    const trace = runWithRequestContext({ requestId: "req-0002-abcd", shop: "demo.myshopify.com" }, () => currentJobTrace());
    expect(trace).toEqual({ requestId: "req-0002-abcd", shop: "demo.myshopify.com" });
    expect(jobTraceOf({ shopId: "x", trace })).toEqual(trace);
    expect(jobTraceOf({ trace: { requestId: "bad id\n" } })).toBeUndefined();
    expect(jobTraceOf({ trace: "req-0002-abcd" })).toBeUndefined();
  });

  it("the HTTP server writes one access line per request: no query string, the shop once known", async () => {
    const { logger, lines } = capture();
    const app = express();
    app.use(requestContext(logger));
    app.get("/app", (_req, res) => {
      setContextShop("demo.myshopify.com");
      res.send("ok");
    });
    app.get("/healthz", (_req, res) => {
      res.send("ok");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const token = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxIn0", "c2lnbmF0dXJlLXZhbHVl"].join(".");
      await fetch(`${base}/app?id_token=${token}&hmac=abc`, { headers: { "X-Request-Id": "req-access-0001" } });
      await fetch(`${base}/healthz`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const access = lines.filter((line) => line.msg === "request");
    expect(access).toEqual([
      expect.objectContaining({ requestId: "req-access-0001", shop: "demo.myshopify.com", method: "GET", path: "/app", status: 200 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain("id_token");
  });

  it("the HTTP server echoes the request id and serves the request inside its context", async () => {
    const app = express();
    app.use(requestContext());
    app.get("/", (_req, res) => {
      res.json(currentJobTrace() ?? null);
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const kept = await fetch(base, { headers: { "X-Request-Id": "edge-req-12345678" } });
      expect(kept.headers.get("x-request-id")).toBe("edge-req-12345678");
      expect(await kept.json()).toEqual({ requestId: "edge-req-12345678" });
      const fresh = await fetch(base, { headers: { "X-Request-Id": "bad id" } });
      const id = fresh.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await fresh.json()).toEqual({ requestId: id });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
