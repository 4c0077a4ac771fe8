// The worker processes' own GET /metrics, on METRICS_PORT: job durations, carrier
// calls, token fetches and breaker states happen there, not in the web process.
// Prometheus scrapes every web and worker instance; see docs/deploy.md.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { scrapeResponse } from "./scrape.server";

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: { port: number; host?: string; token: string | undefined }): Promise<MetricsServer> {
  const server: Server = createServer((incoming, outgoing) => {
    const path = (incoming.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (incoming.method !== "GET" && incoming.method !== "HEAD")) {
      outgoing.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found: GET /metrics\n");
      return;
    }
    scrapeResponse(incoming.headers.authorization ?? null, options.token)
      .then(async (response) => {
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(incoming.method === "HEAD" ? undefined : await response.text());
      })
      .catch(() => outgoing.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
