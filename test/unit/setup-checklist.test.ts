import { describe, expect, it } from "vitest";
import { setupIncomplete, setupSteps } from "~/shops/setup-checklist";

const state = { shopDomain: "north-wind.myshopify.com", hasCarrier: false, shipFromSet: false, hasWooCommerce: false };
const doneIds = (steps: ReturnType<typeof setupSteps>) => steps.filter((step) => step.done).map((step) => step.id);

describe("home setup checklist", () => {
  it("starts installed, with a carrier account and the ship-from address to go, WooCommerce optional", () => {
    const steps = setupSteps(state);
    expect(steps.map((step) => [step.id, step.done, step.optional])).toEqual([
      ["install", true, false],
      ["carrier", false, false],
      ["ship-from", false, false],
      ["woocommerce", false, true],
    ]);
    expect(setupIncomplete(steps)).toBe(true);
    expect(steps.find((step) => step.id === "carrier")?.action?.url).toBe("/app/carriers");
  });

  it("is complete once the required steps are done, with or without WooCommerce", () => {
    const ready = setupSteps({ ...state, hasCarrier: true, shipFromSet: true });
    expect(doneIds(ready)).toEqual(["install", "carrier", "ship-from"]);
    expect(setupIncomplete(ready)).toBe(false);
    expect(setupIncomplete(setupSteps({ ...state, hasCarrier: true, hasWooCommerce: true }))).toBe(true);
  });
});
