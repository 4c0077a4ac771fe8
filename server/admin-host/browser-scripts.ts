// Bundles the two browser scripts (the App Bridge stand-in and the admin page's script)
// from their TypeScript sources when the host starts, so they are typed and linted like
// the rest of the code. esbuild is a development dependency: the host never runs in production.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BrowserScripts {
  appBridge: string;
  hostPage: string;
}

async function bundle(entry: string, define: Record<string, string>): Promise<string> {
  const result = await build({
    entryPoints: [path.join(here, "browser", entry)],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2020",
    platform: "browser",
    define,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export async function buildBrowserScripts(hostOrigin: string): Promise<BrowserScripts> {
  const [appBridge, hostPage] = await Promise.all([
    // The stand-in only talks to the page of this host.
    bundle("app-bridge.ts", { ADMIN_HOST_ORIGIN: JSON.stringify(hostOrigin) }),
    bundle("host-page.ts", {}),
  ]);
  return { appBridge, hostPage };
}
