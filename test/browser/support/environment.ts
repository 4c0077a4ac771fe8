// Everything the browser journeys run against, on loopback: the production build served
// by server/web.ts, this run's PostgreSQL database and Redis prefix, the provider
// emulators, the workers (in this process), and the local admin host with its App Bridge
// stand-in. App modules are imported only after process.env names the emulators.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { DEFAULT_SCOPES } from "~/config/env.server";
import { freePort } from "~/jobs/local-redis.server";
import type { WorkerRuntime } from "~/jobs/worker-runtime.server";
import { startDhlEmulator } from "../../../emulators/dhl/server";
import { startFedexEmulator } from "../../../emulators/fedex/server";
import { startShopifyEmulator } from "../../../emulators/shopify/server";
import { startSmtpCatcher } from "../../../emulators/smtp/server";
import { startWhatsappEmulator } from "../../../emulators/whatsapp/server";
import { startWooCommerceEmulator } from "../../../emulators/woocommerce/server";
import { startAdminHost, type AdminHost } from "../../../server/admin-host";

export const RESULTS_DIR = path.resolve("test-results/browser");

type Started<T extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<T>>;

export interface BrowserEnvironment {
  appUrl: string;
  host: AdminHost;
  shopify: Started<typeof startShopifyEmulator>;
  woo: Started<typeof startWooCommerceEmulator>;
  fedex: Started<typeof startFedexEmulator>;
  dhl: Started<typeof startDhlEmulator>;
  smtp: Started<typeof startSmtpCatcher>;
  whatsapp: Started<typeof startWhatsappEmulator>;
  /** One shop per journey, each installed by its own journey (no shared tenant). */
  shops: Record<string, string>;
  stop(): Promise<void>;
}

/** `npx remix vite:build`: the journeys run against what `npm start` serves. */
export function buildApp(): void {
  const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`remix vite:build failed:\n${build.stdout}\n${build.stderr}`);
}

async function startWebServer(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const log = createWriteStream(path.join(RESULTS_DIR, "web-server.log"));
  const child = spawn(process.execPath, ["--import", "tsx", "server/web.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
    });
  }
  const deadline = Date.now() + 60_000;
  while (!output.includes("web server listening")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the web server did not start (port ${port}):\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

export async function startEnvironment(journeys: readonly string[]): Promise<BrowserEnvironment> {
  const apiKey = process.env.SHOPIFY_API_KEY!;
  const apiSecret = process.env.SHOPIFY_API_SECRET!;
  const shops = Object.fromEntries(journeys.map((name) => [name, `${name}-${randomBytes(3).toString("hex")}.myshopify.com`]));

  const shopify = await startShopifyEmulator({ apiKey, apiSecret, scopes: DEFAULT_SCOPES });
  const [woo, fedex, dhl, smtp, whatsapp] = await Promise.all([
    startWooCommerceEmulator(),
    startFedexEmulator(),
    startDhlEmulator(),
    startSmtpCatcher(),
    startWhatsappEmulator(),
  ]);
  for (const shop of Object.values(shops)) shopify.state.addShop(shop);

  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  shopify.appUrl = appUrl;
  const host = await startAdminHost({ appUrl, apiKey, apiSecret, shops: Object.values(shops) });

  // Shared by the web server (child) and the workers (this process).
  Object.assign(process.env, {
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-browser`,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: DEFAULT_SCOPES,
    SHOPIFY_API_ORIGIN: shopify.url,
    FEDEX_API_ORIGIN: fedex.url,
    DHL_API_ORIGIN: dhl.url,
    // Approval emails go to the SMTP catcher (no SENDGRID_API_KEY: SMTP is the transport).
    SMTP_URL: smtp.url,
    WHATSAPP_API_ORIGIN: whatsapp.url,
    WHATSAPP_TOKEN: whatsapp.state.token,
    WHATSAPP_PHONE_NUMBER_ID: whatsapp.state.phoneNumberId,
    WHATSAPP_APP_SECRET: whatsapp.state.appSecret,
    WOOCOMMERCE_ALLOW_INSECURE_STORES: "1",
    APP_BRIDGE_URL: host.appBridgeUrl,
  });
  const web = await startWebServer(port, { ...process.env, PORT: String(port), LOG_LEVEL: "info" });

  const { startWorkers } = await import("~/jobs/worker-runtime.server");
  const { jobHandlers } = await import("~/jobs/job-handlers.server");
  const { QUEUE_NAMES } = await import("~/jobs/queue-names");
  const workers: WorkerRuntime = startWorkers({
    redisUrl: process.env.REDIS_URL!,
    prefix: process.env.QUEUE_PREFIX!,
    queues: QUEUE_NAMES,
    handlers: jobHandlers,
    logger: pino({ level: "silent" }),
    heartbeat: false,
  });

  return {
    appUrl,
    host,
    shopify,
    woo,
    fedex,
    dhl,
    smtp,
    whatsapp,
    shops,
    async stop() {
      await workers.stop(2_000);
      if (web.exitCode === null) {
        const exited = new Promise((resolve) => web.once("exit", resolve));
        web.kill("SIGTERM");
        await exited;
      }
      const { closeQueues } = await import("~/jobs/queues.server");
      const { closeProducerRedis } = await import("~/jobs/redis.server");
      const { disconnectPrisma } = await import("~/db/prisma.server");
      await closeQueues();
      await closeProducerRedis();
      await disconnectPrisma();
      await Promise.all([host.close(), shopify.close(), woo.close(), fedex.close(), dhl.close(), smtp.close(), whatsapp.close()]);
    },
  };
}
