// Which function runs each job, per queue. Capabilities register their jobs
// here (fulfillment, inventory, approvals); a job name with no entry fails
// without retries, so a typo can never loop.
import type { QueueHandlers } from "./worker-runtime.server";

export const jobHandlers: QueueHandlers = {
  fulfillment: {},
  inventory: {},
  approvals: {},
};
