-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "approverEmails" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "ownerEmail" TEXT,
ADD COLUMN     "whatsappTemplates" JSONB;

-- CreateTable
CREATE TABLE "Approval" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "approverEmails" TEXT[],
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,
    "decidedByEmail" TEXT,
    "decidedVia" TEXT,
    "reason" TEXT,
    "riskNotes" JSONB,

    CONSTRAINT "Approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalToken" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "approvalId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageLog" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "orderId" UUID,
    "approvalId" UUID,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "provider" TEXT,
    "providerMessageId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "dedupeKey" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "statusAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Approval_orderId_key" ON "Approval"("orderId");

-- CreateIndex
CREATE INDEX "Approval_shopId_status_requestedAt_idx" ON "Approval"("shopId", "status", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalToken_tokenHash_key" ON "ApprovalToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApprovalToken_approvalId_idx" ON "ApprovalToken"("approvalId");

-- CreateIndex
CREATE INDEX "MessageLog_shopId_createdAt_id_idx" ON "MessageLog"("shopId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "MessageLog_providerMessageId_idx" ON "MessageLog"("providerMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "MessageLog_shopId_dedupeKey_key" ON "MessageLog"("shopId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalToken" ADD CONSTRAINT "ApprovalToken_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalToken" ADD CONSTRAINT "ApprovalToken_approvalId_fkey" FOREIGN KEY ("approvalId") REFERENCES "Approval"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageLog" ADD CONSTRAINT "MessageLog_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageLog" ADD CONSTRAINT "MessageLog_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageLog" ADD CONSTRAINT "MessageLog_approvalId_fkey" FOREIGN KEY ("approvalId") REFERENCES "Approval"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: allowed values.
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_status_check" CHECK ("status" IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'));
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_decidedVia_check" CHECK ("decidedVia" IS NULL OR "decidedVia" IN ('EMAIL_LINK', 'APP', 'EXTENSION', 'SYSTEM'));
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_decided_check" CHECK (("status" = 'PENDING') = ("decidedAt" IS NULL));
ALTER TABLE "MessageLog" ADD CONSTRAINT "MessageLog_channel_check" CHECK ("channel" IN ('EMAIL', 'WHATSAPP'));
ALTER TABLE "MessageLog" ADD CONSTRAINT "MessageLog_status_check" CHECK ("status" IN ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED'));
