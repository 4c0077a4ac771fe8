// A small closed-loop load generator over keep-alive HTTP: `concurrency` senders
// post requests back to back and record each one's latency.
import http from "node:http";

export interface LoadResult {
  sent: number;
  failed: number;
  statuses: Record<number, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad(baseUrl: string, deliveries: Delivery[], concurrency: number): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  let failed = 0;

  const send = (delivery: Delivery) =>
    new Promise<number>((resolve) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: delivery.path,
          method: "POST",
          agent,
          headers: { ...delivery.headers, "Content-Length": Buffer.byteLength(delivery.body) },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        },
      );
      request.on("error", () => resolve(0));
      request.end(delivery.body);
    });

  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++];
        const t0 = performance.now();
        const status = await send(delivery);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    sent: deliveries.length,
    failed,
    statuses,
    seconds,
    perSecond: deliveries.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
