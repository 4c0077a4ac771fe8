// Debian's Chromium driven by playwright-core, as a merchant's desktop browser. The app
// runs inside the local admin host's iframe; links into the real admin land on that host.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import type { AdminHost } from "../../../server/admin-host";
import { RESULTS_DIR } from "./environment";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The Shopify library answers 410 to user agents that look like bots (headless ones do).
const DESKTOP_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    // Never skipped: CI installs Debian's chromium (.ci/run); a missing browser is a failure.
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

const PLACEHOLDER_ILLUSTRATION =
  '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="226" viewBox="0 0 226 226"><circle cx="113" cy="113" r="100" fill="#e3e3e3"/><rect x="68" y="78" width="90" height="70" rx="8" fill="#cccccc"/></svg>';

export async function newMerchantContext(browser: Browser, host: AdminHost): Promise<BrowserContext> {
  const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT, viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  // Links the app builds into the real admin (email deep links, WooCommerce's return) open the local admin.
  await context.route("https://admin.shopify.com/**", (route) =>
    route.fulfill({ status: 302, headers: { Location: host.localAdminUrl(route.request().url()) } }),
  );
  // No script may come from Shopify's CDN: App Bridge is the host's stand-in. The empty-state
  // illustrations live there too: a plain placeholder of the same shape keeps the layout real.
  await context.route("https://cdn.shopify.com/**", (route) =>
    route.request().resourceType() === "image"
      ? route.fulfill({ status: 200, contentType: "image/svg+xml", body: PLACEHOLDER_ILLUSTRATION })
      : route.abort("blockedbyclient"),
  );
  return context;
}

/** The app's document inside the admin page. */
export function appFrame(page: Page): FrameLocator {
  return page.frameLocator("#app-frame");
}

/**
 * The page's tables fit their cards: no index or data table scrolls sideways (a row's
 * buttons or its last columns would be out of sight until the merchant scrolls).
 */
export async function expectTablesFit(page: Page): Promise<void> {
  const frame = page.frame({ name: "app-iframe" });
  if (!frame) throw new Error("the app's iframe is not on the page");
  const overflowing = await frame.evaluate(() =>
    [...document.querySelectorAll(".Polaris-IndexTable-ScrollContainer, .Polaris-DataTable__ScrollContainer")]
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.className}: ${element.scrollWidth}px in ${element.clientWidth}px`),
  );
  expect(overflowing).toEqual([]);
}

/** Saves `test-results/browser/<journey>/<nn>-<name>.png` of the whole admin page. */
export function screenshots(journey: string) {
  const folder = path.join(RESULTS_DIR, journey);
  // A fresh folder per run: no screenshot (or failure.png) from an earlier run lingers.
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  let count = 0;
  return async (page: Page, name: string): Promise<string> => {
    // Polaris empty states fade their illustration in once it has loaded (and other parts
    // transition too): shoot the settled page, not a frame of the fade.
    const frame = page.frame({ name: "app-iframe" });
    await frame?.waitForFunction(
      () =>
        [...document.images].every((image) => image.complete) &&
        [...document.querySelectorAll(".Polaris-EmptyState__Image")].every((image) => image.classList.contains("Polaris-EmptyState--loaded")),
    );
    await frame?.evaluate(() => Promise.all(document.getAnimations().filter((animation) => animation instanceof CSSTransition).map((animation) => animation.finished)));
    const file = path.join(folder, `${String(++count).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
}
