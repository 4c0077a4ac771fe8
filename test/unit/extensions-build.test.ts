// `npm run build:extensions` inside `npm test` (and so in .ci/run): the real extensions
// type-check and bundle the way the Shopify CLI bundles them, and a broken one fails the build.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildExtensions } from "../../scripts/build-extensions";

const root = path.resolve(__dirname, "../..");
// Inside the repository so the copy resolves preact and @shopify/ui-extensions from node_modules.
mkdirSync(path.join(root, ".cache"), { recursive: true });
const scratch = mkdtempSync(path.join(root, ".cache", "extensions-build-test-"));
const quiet = () => undefined;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function brokenCopy(name: string, file: string, contents: string) {
  const dir = path.join(scratch, name);
  cpSync(path.join(root, "extensions"), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}dist`) });
  writeFileSync(path.join(dir, file), contents);
  return dir;
}

describe("extensions build", () => {
  it("builds every extension: one bundle per extension plus the should-render conditions", async () => {
    const result = await buildExtensions({ outDir: path.join(scratch, "out"), log: quiet });
    expect(result.errors).toEqual([]);
    expect(result.files.map((file) => file.file).sort()).toEqual([
      "rappit-order-approve-conditions.js",
      "rappit-order-approve.js",
      "rappit-order-block.js",
      "rappit-order-label-conditions.js",
      "rappit-order-label.js",
      "rappit-pixel.js",
    ]);
  }, 120_000);

  it("a type error fails the build", async () => {
    const dir = brokenCopy("type-error", "rappit-order-block/src/broken.ts", 'export const count: number = "three";\n');
    const result = await buildExtensions({ extensionsDir: dir, outDir: path.join(scratch, "out-type"), log: quiet });
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toMatch(/broken\.ts.*TS2322/);
  }, 120_000);

  it("a syntax error fails the bundle even without the type check", async () => {
    const dir = brokenCopy("syntax-error", "rappit-order-approve/src/should-render.ts", "export default async () => { return {display: true ;\n");
    const result = await buildExtensions({ extensionsDir: dir, outDir: path.join(scratch, "out-syntax"), typecheck: false, log: quiet });
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toContain("rappit-order-approve/rappit-order-approve-conditions.js");
  }, 120_000);

  it("a toml pointing at a missing module fails", async () => {
    const dir = brokenCopy("missing-module", "rappit-order-label/shopify.extension.toml", 'api_version = "2025-10"\n[[extensions]]\nname = "x"\nhandle = "x"\ntype = "ui_extension"\n[[extensions.targeting]]\nmodule = "./src/nope.tsx"\ntarget = "admin.order-details.action.render"\n');
    const result = await buildExtensions({ extensionsDir: dir, outDir: path.join(scratch, "out-toml"), typecheck: false, log: quiet });
    expect(result.errors.join("\n")).toContain("module ./src/nope.tsx");
  }, 120_000);
});
