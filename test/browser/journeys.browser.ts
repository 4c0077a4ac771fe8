// The merchant journeys of issue 12 in a real browser (docs/browser-tests.md). Each journey
// uses its own shop and page; screenshots go to test-results/browser/<journey>/.
import path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { activityLog } from "./journeys/activity-log";
import { addFedex } from "./journeys/add-fedex";
import { appBridge } from "./journeys/app-bridge";
import { codApproval } from "./journeys/cod-approval";
import { connectWooCommerce } from "./journeys/connect-woocommerce";
import { deadLetterRetry } from "./journeys/dead-letter-retry";
import { everyPage } from "./journeys/every-page";
import { install } from "./journeys/install";
import { inventoryImport } from "./journeys/inventory-import";
import { messages } from "./journeys/messages";
import type { Journey } from "./journeys/journey";
import { launchChromium, newMerchantContext } from "./support/browser";
import { RESULTS_DIR, buildApp, startEnvironment, type BrowserEnvironment } from "./support/environment";

const JOURNEYS: Record<string, Journey> = {
  install,
  "app-bridge": appBridge,
  "every-page": everyPage,
  "connect-woocommerce": connectWooCommerce,
  "add-fedex": addFedex,
  "inventory-import": inventoryImport,
  "cod-approval": codApproval,
  "dead-letter-retry": deadLetterRetry,
  messages,
  "activity-log": activityLog,
};

let env: BrowserEnvironment;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  // BROWSER_TESTS_REUSE_BUILD=1 skips the build while iterating on a journey locally.
  if (process.env.BROWSER_TESTS_REUSE_BUILD !== "1") buildApp();
  browser = await launchChromium();
  env = await startEnvironment(Object.keys(JOURNEYS));
  context = await newMerchantContext(browser, env.host);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.stop();
});

describe("merchant journeys in Chromium", () => {
  for (const [name, journey] of Object.entries(JOURNEYS)) {
    it(name, async () => {
      const page = await context.newPage();
      try {
        await journey({ env, page, shop: env.shops[name] });
      } catch (error) {
        await page.screenshot({ path: path.join(RESULTS_DIR, name, "failure.png") }).catch(() => undefined);
        throw error;
      } finally {
        await page.close();
      }
    });
  }
});
