#!/usr/bin/env node
// Runs a command from node_modules/.bin on Node 22 or newer. The Shopify
// libraries require Node 22; when this machine's Node is older, Node 22 comes
// from the npm registry (the `node` package ships the real binary) into .tools/.
// Plain JavaScript on purpose: it must run on whatever Node the machine has.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const toolsBin = path.join(root, ".tools", "node_modules", ".bin");
const major = Number(process.versions.node.split(".")[0]);
const [command, ...args] = process.argv.slice(2);

if (!command) {
  console.error("usage: node scripts/with-node22.mjs <command> [args...]");
  process.exit(2);
}

const env = { ...process.env };
if (major < 22) {
  if (!existsSync(path.join(toolsBin, "node"))) {
    console.error(`Node ${process.versions.node} is older than 22: installing node@22 from the npm registry into .tools/ ...`);
    const install = spawnSync("npm", ["install", "--no-save", "--prefix", path.join(root, ".tools"), "node@22"], {
      stdio: "inherit",
      cwd: root,
    });
    if (install.status !== 0) {
      console.error("Could not install node@22. Install Node 22 or newer yourself (https://nodejs.org) and run again.");
      process.exit(1);
    }
  }
  env.PATH = `${toolsBin}${path.delimiter}${env.PATH ?? ""}`;
}
env.PATH = `${path.join(root, "node_modules", ".bin")}${path.delimiter}${env.PATH ?? ""}`;

const child = spawn(command, args, { stdio: "inherit", env, cwd: process.cwd() });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  else process.exit(code ?? 1);
});
