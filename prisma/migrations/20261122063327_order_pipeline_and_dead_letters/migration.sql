-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "notifyCustomer" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "holdReason" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'NEW',
ADD COLUMN     "statusChangedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "channelFulfillmentId" TEXT,
ADD COLUMN     "channelSyncedAt" TIMESTAMP(3),
ADD COLUMN     "voidRequested" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "stack" TEXT,
    "attempts" INTEGER NOT NULL,
    "firstFailedAt" TIMESTAMP(3) NOT NULL,
    "lastFailedAt" TIMESTAMP(3) NOT NULL,
    "orderId" UUID,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeadLetter_shopId_status_createdAt_idx" ON "DeadLetter"("shopId", "status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "DeadLetter_orderId_idx" ON "DeadLetter"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetter_queue_jobId_lastFailedAt_key" ON "DeadLetter"("queue", "jobId", "lastFailedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_status_idx" ON "Order"("shopId", "status");

-- AddForeignKey
ALTER TABLE "DeadLetter" ADD CONSTRAINT "DeadLetter_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadLetter" ADD CONSTRAINT "DeadLetter_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: allowed values.
ALTER TABLE "Order" ADD CONSTRAINT "Order_status_check"
  CHECK ("status" IN ('NEW', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'FULFILLING', 'FULFILLED', 'CANCELLED', 'ON_HOLD'));
ALTER TABLE "DeadLetter" ADD CONSTRAINT "DeadLetter_status_check" CHECK ("status" IN ('OPEN', 'RETRIED', 'DISCARDED'));
