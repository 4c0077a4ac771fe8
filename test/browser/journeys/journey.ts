import type { Page } from "playwright-core";
import type { BrowserEnvironment } from "../support/environment";

/** One merchant journey: its own shop, its own page in the admin. */
export type Journey = (context: { env: BrowserEnvironment; page: Page; shop: string }) => Promise<void>;
