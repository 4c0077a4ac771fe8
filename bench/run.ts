// `npm run bench`: every benchmark, each printing its figure, its in-run baseline
// and the ratio; all results go to bench/results.json with the machine and commit.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { benchTokenService } from "./token-service";
import { benchWebhookIngest } from "./webhook-ingest";

const log = (line: string) => process.stdout.write(`${line}\n`);

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

log("webhook ingestion (orders/create, signed, with 5% redeliveries)");
const ingest = await benchWebhookIngest(log);
log(
  `  => ${ingest.app.perSecond.toFixed(0)} deliveries/s (${(ingest.ratioToBaseline * 100).toFixed(0)}% of the HMAC-only ceiling), ` +
    `p99 ${ingest.app.p99Ms.toFixed(1)} ms; target >= ${ingest.target.perSecond}/s, p99 <= ${ingest.target.p99Ms} ms, 0 lost, 0 doubled: ` +
    (ingest.target.met ? "met" : "NOT met"),
);

log("carrier token service (cached lookups vs a bare Redis GET; cold-cache stampede, 1,000 callers in 2 processes)");
const tokens = await benchTokenService(log);
log(
  `  => ${tokens.cached.perSecond.toFixed(0)} cached lookups/s (${(tokens.ratioToBaseline * 100).toFixed(0)}% of a bare GET), ` +
    `p99 ${tokens.cached.p99Ms.toFixed(2)} ms; stampede: ${tokens.stampede.tokenRequests} token request(s), all served in ${tokens.stampede.allServedMs} ms; ` +
    `target >= ${tokens.target.ratioToBaseline * 100}% of a GET, exactly ${tokens.target.tokenRequests} request, <= ${tokens.target.maxOverheadMs} ms over the endpoint's latency: ` +
    (tokens.target.met ? "met" : "NOT met"),
);

const results = {
  commit: commit(),
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  benchmarks: [ingest, tokens],
};
writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
log("results written to bench/results.json");
