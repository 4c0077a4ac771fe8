// Which function runs each job, per queue. Capabilities register their jobs
// here; a job name with no entry fails without retries, so a typo can never loop.
import { runApplyDecision, sweepApprovals } from "../approvals/effects.server";
import { APPLY_DECISION_JOB, REQUEST_JOB as APPROVAL_REQUEST_JOB, SWEEP_JOB as APPROVALS_SWEEP_JOB } from "../approvals/job-names";
import { runApprovalRequest } from "../approvals/request-job.server";
import { POLL_JOB, SETUP_JOB, runChannelSetup, runOrderPoll } from "../channels/woocommerce/channel-jobs.server";
import {
  FULFILL_JOB,
  HOLD_JOB,
  RELEASE_JOB,
  SWEEP_JOB as FULFILLMENT_SWEEP_JOB,
  runFulfillment,
  runHoldForApproval,
  runReleaseApprovalHold,
  sweepFulfillment,
} from "../fulfillment/pipeline.server";
import { SEND_MESSAGE_JOB, SWEEP_MESSAGES_JOB } from "../notifications/job-names";
import { runSendMessage, sweepQueuedMessages } from "../notifications/send-message.server";
import { runCatalogImport, runInventoryPush, runInventoryPushSweep } from "../inventory/channel-sync/index.server";
import { IMPORT_CATALOG_JOB, PUSH_STOCK_JOB, PUSH_SWEEP_JOB, RETRY_HOLDS_JOB } from "../inventory/job-names";
import { IMPORT_FILE_JOB, runInventoryImportFile } from "../inventory/bulk-import/index.server";
import { runStockHoldRetry } from "../inventory/stock-holds.server";
import { PURGE_EVENTS_JOB as PIXEL_PURGE_JOB } from "../pixel/job-names";
import { runPixelRetention } from "../pixel/retention.server";
import { runReconcileJob } from "../orders/reconciliation-jobs.server";
import { RECONCILE_JOB } from "../orders/shopify-reconciliation.server";
import { TRACKING_POLL_JOB, TRACKING_SWEEP_JOB } from "../tracking/job-names";
import { runTrackingPoll, runTrackingSweep } from "../tracking/jobs.server";
import { sweepUnprocessedEvents, SWEEP_JOB } from "../webhooks/event-sweeper.server";
import { PROCESS_EVENT_JOB } from "../webhooks/inbound-events.server";
import { processInboundEvent } from "../webhooks/process-event.server";
import type { QueueHandlers } from "./worker-runtime.server";

export const jobHandlers: QueueHandlers = {
  fulfillment: {
    [FULFILL_JOB]: (data) => runFulfillment(data),
    [HOLD_JOB]: (data) => runHoldForApproval(data),
    [RELEASE_JOB]: (data) => runReleaseApprovalHold(data),
    [FULFILLMENT_SWEEP_JOB]: () => sweepFulfillment(),
    [TRACKING_SWEEP_JOB]: () => runTrackingSweep(),
    [TRACKING_POLL_JOB]: (data) => runTrackingPoll(data),
  },
  inventory: {
    [RETRY_HOLDS_JOB]: (data) => runStockHoldRetry(data),
    [IMPORT_FILE_JOB]: (data) => runInventoryImportFile(data),
    [PUSH_STOCK_JOB]: (data, context) => runInventoryPush(data, { jobId: context.jobId }),
    [IMPORT_CATALOG_JOB]: (data) => runCatalogImport(data),
    [PUSH_SWEEP_JOB]: () => runInventoryPushSweep(),
  },
  approvals: {
    [APPROVAL_REQUEST_JOB]: (data) => runApprovalRequest(data),
    [APPLY_DECISION_JOB]: (data) => runApplyDecision(data),
    [APPROVALS_SWEEP_JOB]: () => sweepApprovals(),
  },
  notifications: {
    [SEND_MESSAGE_JOB]: (data, context) => runSendMessage(data, context),
    [SWEEP_MESSAGES_JOB]: () => sweepQueuedMessages(),
  },
  inbound: {
    [PROCESS_EVENT_JOB]: (data) => processInboundEvent(data),
    [SWEEP_JOB]: () => sweepUnprocessedEvents(),
  },
  sync: {
    [RECONCILE_JOB]: (data) => runReconcileJob(data),
    [SETUP_JOB]: (data) => runChannelSetup(data),
    [POLL_JOB]: (data) => runOrderPoll(data),
    [PIXEL_PURGE_JOB]: () => runPixelRetention(),
  },
};
