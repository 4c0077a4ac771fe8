// `npm run build:extensions`: type-checks and bundles every extension under extensions/ the way
// the Shopify CLI does on `shopify app build` / `deploy`, so a broken extension fails CI
// (test/unit/extensions-build.test.ts runs it inside `npm test`). Output goes to
// .cache/extensions/<handle>/ (ignored); nothing here deploys.
//
// What the CLI does (Shopify/cli packages/app: services/extensions/bundle.ts and the
// ui_extension specification), and so what this does:
// - one esbuild bundle per extension, from generated stdin: for API 2025-10 and later each
//   target's module is imported and handed to `shopify.extend(target, ...)`; a target's
//   `should_render` module becomes a second bundle, `<handle>-conditions.js`;
// - bundle, jsx "automatic" (the import source comes from the nearest tsconfig: preact),
//   target es6, minified, legal comments dropped, `process.env.NODE_ENV` defined, `.js` read as
//   JSX; no format given, so esbuild's browser default (an IIFE) is what ships;
// - `@shopify/ui-extensions` and preact are bundled in (not external): the admin loads one file.
// The CLI does not type-check; this does (tsc on each tsconfig under extensions/), because a
// type error in an extension is a bug the admin would show a merchant.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, formatMessages, type BuildOptions, type Message } from "esbuild";
import { parse } from "smol-toml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Shopify's documented bundle limit for UI extensions (checkout, customer accounts); held here for admin ones too. */
export const BUNDLE_LIMIT_BYTES = 64 * 1024;

export interface BuildExtensionsOptions {
  /** The folder holding one folder per extension (default: extensions/). */
  extensionsDir?: string;
  /** Where bundles go (default: .cache/extensions/). Emptied first. */
  outDir?: string;
  typecheck?: boolean;
  log?: (line: string) => void;
}

export interface BuiltFile {
  extension: string;
  file: string;
  bytes: number;
}

export interface BuildExtensionsResult {
  ok: boolean;
  files: BuiltFile[];
  errors: string[];
}

interface Targeting {
  target: string;
  module: string;
  should_render?: { module?: string };
}

interface ExtensionToml {
  api_version?: string;
  type?: string;
  name?: string;
  handle?: string;
  extensions?: Array<{ type?: string; handle?: string; name?: string; targeting?: Targeting[] }>;
}

/** Remote DOM (Preact + web components) starts at 2025-10; the CLI only then wraps modules in shopify.extend. */
const isRemoteDom = (apiVersion: string | undefined) => (apiVersion ?? "") >= "2025-10";

const shouldRenderTarget = (target: string) => target.replace(/\.render$/, ".should-render");

function typecheck(extensionsDir: string, log: (line: string) => void): string[] {
  const configs = [path.join(extensionsDir, "tsconfig.json")]
    .concat(readdirSync(extensionsDir).map((name) => path.join(extensionsDir, name, "tsconfig.json")))
    .filter((file) => existsSync(file));
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const errors: string[] = [];
  for (const config of configs) {
    log(`tsc -p ${path.relative(root, config)}`);
    const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", config], { encoding: "utf8" });
    if (run.status !== 0) errors.push(`Type errors (${path.relative(root, config)}):\n${run.stdout}${run.stderr}`.trim());
  }
  return errors;
}

async function formatted(messages: Message[], kind: "error" | "warning") {
  return (await formatMessages(messages, { kind, color: false })).join("\n");
}

interface Bundle {
  extension: string;
  file: string;
  contents: string;
  resolveDir: string;
}

/** The bundles one extension folder produces, read from its shopify.extension.toml. */
function bundlesOf(dir: string): { bundles: Bundle[]; errors: string[] } {
  const tomlFile = path.join(dir, "shopify.extension.toml");
  const name = path.basename(dir);
  let config: ExtensionToml;
  try {
    config = parse(readFileSync(tomlFile, "utf8")) as ExtensionToml;
  } catch (error) {
    return { bundles: [], errors: [`${name}: shopify.extension.toml does not parse: ${(error as Error).message}`] };
  }
  if (config.type === "web_pixel_extension") {
    // The CLI bundles a pixel from src/index.* with the same esbuild options.
    const entry = ["src/index.ts", "src/index.tsx", "src/index.js"].find((file) => existsSync(path.join(dir, file)));
    if (!entry) return { bundles: [], errors: [`${name}: a web pixel needs src/index.ts`] };
    const handle = config.handle ?? name;
    return { bundles: [{ extension: name, file: `${handle}.js`, contents: `import './${entry}';`, resolveDir: dir }], errors: [] };
  }
  const errors: string[] = [];
  const bundles: Bundle[] = [];
  for (const extension of config.extensions ?? []) {
    const handle = extension.handle ?? "";
    if (extension.type !== "ui_extension") {
      errors.push(`${name}: only ui_extension and web_pixel_extension are built here (found ${extension.type ?? "no type"})`);
      continue;
    }
    if (!handle || !extension.name) errors.push(`${name}: [[extensions]] needs a handle and a name`);
    if (!isRemoteDom(config.api_version)) errors.push(`${name}: api_version ${config.api_version ?? "(none)"} is before 2025-10 (Preact + web components)`);
    const targeting = extension.targeting ?? [];
    if (targeting.length === 0) errors.push(`${name}: no [[extensions.targeting]]`);
    const seen = new Set<string>();
    for (const point of targeting) {
      if (seen.has(point.target)) errors.push(`${name}: target ${point.target} appears twice (one module per target)`);
      seen.add(point.target);
      for (const module of [point.module, point.should_render?.module].filter((file): file is string => Boolean(file))) {
        if (!existsSync(path.join(dir, module))) errors.push(`${name}: module ${module} (target ${point.target}) does not exist`);
      }
    }
    if (errors.length > 0) continue;
    bundles.push({
      extension: name,
      file: `${handle}.js`,
      resolveDir: dir,
      contents: targeting
        .map((point, index) => `import Target_${index} from '${point.module}';shopify.extend('${point.target}', (...args) => Target_${index}(...args));`)
        .join("\n"),
    });
    const conditional = targeting.find((point) => point.should_render?.module);
    if (conditional?.should_render?.module) {
      bundles.push({
        extension: name,
        file: `${handle}-conditions.js`,
        resolveDir: dir,
        contents: `import ShouldRender from '${conditional.should_render.module}';shopify.extend('${shouldRenderTarget(conditional.target)}', (...args) => ShouldRender(...args));`,
      });
    }
  }
  return { bundles, errors };
}

export async function buildExtensions(options: BuildExtensionsOptions = {}): Promise<BuildExtensionsResult> {
  const extensionsDir = options.extensionsDir ?? path.join(root, "extensions");
  const outDir = options.outDir ?? path.join(root, ".cache", "extensions");
  const log = options.log ?? ((line: string) => console.log(line));
  const errors: string[] = [];
  const files: BuiltFile[] = [];

  if (options.typecheck ?? true) errors.push(...typecheck(extensionsDir, log));

  const folders = readdirSync(extensionsDir)
    .map((name) => path.join(extensionsDir, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(path.join(dir, "shopify.extension.toml")));
  rmSync(outDir, { recursive: true, force: true });

  for (const dir of folders) {
    const { bundles, errors: configErrors } = bundlesOf(dir);
    errors.push(...configErrors);
    for (const bundle of bundles) {
      const outfile = path.join(outDir, bundle.extension, "dist", bundle.file);
      mkdirSync(path.dirname(outfile), { recursive: true });
      const esbuildOptions: BuildOptions = {
        stdin: { contents: bundle.contents, resolveDir: bundle.resolveDir, sourcefile: `${bundle.extension}-entry.js`, loader: "tsx" },
        outfile,
        bundle: true,
        define: { "process.env.NODE_ENV": JSON.stringify("production") },
        jsx: "automatic",
        loader: { ".esnext": "ts", ".js": "jsx" },
        legalComments: "none",
        minify: true,
        target: "es6",
        resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
        logLevel: "silent",
      };
      try {
        const result = await build(esbuildOptions);
        if (result.warnings.length > 0) log(await formatted(result.warnings, "warning"));
      } catch (error) {
        const failure = error as { errors?: Message[] };
        errors.push(`${bundle.extension}/${bundle.file}: ${failure.errors ? await formatted(failure.errors, "error") : String(error)}`);
        continue;
      }
      const bytes = statSync(outfile).size;
      files.push({ extension: bundle.extension, file: bundle.file, bytes });
      log(`built ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(1)} KB)`);
      if (bytes > BUNDLE_LIMIT_BYTES) errors.push(`${bundle.extension}/${bundle.file}: ${bytes} bytes, over the ${BUNDLE_LIMIT_BYTES}-byte limit`);
    }
  }
  return { ok: errors.length === 0, files, errors };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildExtensions();
  if (!result.ok) {
    for (const error of result.errors) console.error(`\n${error}`);
    console.error(`\nExtensions build failed (${result.errors.length} problem${result.errors.length === 1 ? "" : "s"}).`);
    process.exit(1);
  }
  console.log(`Extensions built: ${result.files.length} bundles.`);
}
