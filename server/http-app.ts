// The HTTP server around the Remix app. Production serves the Vite build;
// development mounts Vite's middleware so pages reload as code changes.
import { createServer, type Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { RappitLoadContext } from "../app/http/client-ip";
import { getConfig } from "../app/config/env.server";
import { localAdminFraming } from "./local-admin-framing";
import { requestContext } from "./request-context";

/** TRUST_PROXY: "loopback" (default), a hop count, or comma-separated addresses/CIDRs. */
function trustProxySetting(value: string | undefined): string | number {
  if (!value) return "loopback";
  return /^\d+$/.test(value) ? Number(value) : value;
}

export interface HttpApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startHttpApp(options: {
  mode: "production" | "development";
  port: number;
  host?: string;
}): Promise<HttpApp> {
  const app = express();
  app.disable("x-powered-by");
  // Which proxies in front of us may name the client (X-Forwarded-For): rate limits and
  // the audit trail key on the client's address, not the load balancer's.
  app.set("trust proxy", trustProxySetting(process.env.TRUST_PROXY));
  app.use(requestContext());
  // Only with APP_BRIDGE_URL (development, tests, demo; refused in production).
  const appBridgeUrl = getConfig().APP_BRIDGE_URL;
  if (appBridgeUrl) app.use(localAdminFraming(appBridgeUrl));
  const getLoadContext = (req: express.Request): RappitLoadContext => ({ clientIp: req.ip ?? null });
  let closeVite: (() => Promise<void>) | undefined;

  if (options.mode === "development") {
    const vite = await import("vite");
    const ownListeners = new Set(process.listeners("SIGTERM"));
    const devServer = await vite.createServer({ server: { middlewareMode: true } });
    // Remix's child Vite compiler exits the process on SIGTERM. Our shutdown must run
    // instead (the embedded database has to close cleanly), so take that listener off.
    for (const listener of process.listeners("SIGTERM")) {
      if (!ownListeners.has(listener)) process.off("SIGTERM", listener);
    }
    closeVite = () => devServer.close();
    app.use(devServer.middlewares);
    app.all(
      "*",
      createRequestHandler({
        build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        getLoadContext,
      }),
    );
  } else {
    const buildPath = path.resolve("build/server/index.js");
    const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
    // Fingerprinted assets are immutable; everything else in public/ may change.
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(express.static("build/client", { maxAge: "1h" }));
    app.all("*", createRequestHandler({ build, getLoadContext }));
  }

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  return {
    server,
    url: `http://localhost:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await closeVite?.();
    },
  };
}
