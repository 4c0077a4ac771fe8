// `npm run bench`: every benchmark, each printing its figure, its in-run baseline
// and the ratio; all results go to bench/results.json with the machine and commit.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { benchFulfillmentPipeline } from "./fulfillment-pipeline";
import { benchInventoryImport } from "./inventory-import";
import { benchInventoryReservations } from "./inventory-reservations";
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

log("fulfillment pipeline (prepaid orders/create webhooks -> workers -> FedEx label -> Shopify fulfillment, FedEx latency on every request)");
const pipeline = await benchFulfillmentPipeline(log);
log(
  `  => ${pipeline.perSecond.toFixed(1)} orders/s (${(pipeline.ratioToBound * 100).toFixed(0)}% of the bound ${pipeline.bound.perSecond.toFixed(1)}/s), ` +
    `order-to-tracking p50 ${(pipeline.orderToTracking.p50Ms / 1000).toFixed(1)} s, p99 ${(pipeline.orderToTracking.p99Ms / 1000).toFixed(1)} s; ` +
    `lost ${pipeline.lost}, duplicate labels ${pipeline.duplicateLabels}, duplicate fulfillments ${pipeline.duplicateFulfillments}; target 0 lost, 0 duplicates: ` +
    (pipeline.target.met ? "met" : "NOT met"),
);

log("inventory: hot-SKU reservations (single-unit orders on one SKU, 32 concurrent clients)");
const reservations = await benchInventoryReservations(log);
log(
  `  => ${reservations.reservations.perSecond.toFixed(0)} reservations/s (${(reservations.ratioToBaseline * 100).toFixed(0)}% of a bare conditional UPDATE of one row), ` +
    `p99 ${reservations.reservations.p99Ms.toFixed(1)} ms; final available ${reservations.finalAvailable}, reserved ${reservations.reserved}; ` +
    `target >= ${reservations.target.ratioToBaseline * 100}% of the bare UPDATE and >= ${reservations.target.perSecond}/s, never negative: ` +
    (reservations.target.met ? "met" : "NOT met"),
);

log("inventory: bulk import (CSV streamed through the import service; row-by-row baseline in the same run)");
const bulkImport = await benchInventoryImport(log);
log(
  `  => ${bulkImport.runs.map((run) => `${run.rows.toLocaleString("en-US")} rows ${run.seconds.toFixed(2)} s (${run.speedupOverRowByRow.toFixed(1)}x row-by-row)`).join(", ")}; ` +
    `target 500 rows < 1 s, 100,000 rows < 10 s, memory flat: ` +
    (bulkImport.target.met ? "met" : "NOT met"),
);

const results = {
  commit: commit(),
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  benchmarks: [ingest, tokens, pipeline, reservations, bulkImport],
};
writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
log("results written to bench/results.json");
// The pipeline bench loads app modules in this process; one Redis socket of theirs outlives
// closeQueues()/closeProducerRedis() and would keep the process alive.
process.exit(0);
