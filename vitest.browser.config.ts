// `npm run test:browser`: the merchant journeys in Debian's Chromium against the production
// build (docs/browser-tests.md). One file, one fork: the journeys share one web server,
// one set of emulators and one browser, each on its own shop.
import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/browser/**/*.browser.ts"],
    globalSetup: ["test/setup/global-setup.ts"],
    setupFiles: ["test/setup/test-env.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ["default", "./test/setup/summary-reporter.ts"],
  },
});
