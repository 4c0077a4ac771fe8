// The fulfillment queue's job names, in a module with no imports, so schedules and
// producers can name jobs without loading the pipeline (which loads the Shopify app).
export const FULFILL_JOB = "fulfillment.fulfill-order";
export const HOLD_JOB = "fulfillment.hold-for-approval";
export const RELEASE_JOB = "fulfillment.release-approval-hold";
export const SWEEP_JOB = "fulfillment.sweep";
