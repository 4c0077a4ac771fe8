-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "credentials" TEXT,
ADD COLUMN     "verifiedAt" TIMESTAMP(3),
ADD COLUMN     "webhookIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "webhookSecret" TEXT;

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "channelId" UUID;

-- CreateTable
CREATE TABLE "ChannelConnectAttempt" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "nonceHash" TEXT NOT NULL,
    "storeUrl" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "channelId" UUID,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelConnectAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChannelConnectAttempt_nonceHash_key" ON "ChannelConnectAttempt"("nonceHash");

-- CreateIndex
CREATE INDEX "ChannelConnectAttempt_shopId_createdAt_idx" ON "ChannelConnectAttempt"("shopId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "ChannelConnectAttempt" ADD CONSTRAINT "ChannelConnectAttempt_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelConnectAttempt" ADD CONSTRAINT "ChannelConnectAttempt_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: the attempt's states.
ALTER TABLE "ChannelConnectAttempt" ADD CONSTRAINT "ChannelConnectAttempt_status_check"
  CHECK ("status" IN ('PENDING', 'CONNECTED', 'DENIED', 'FAILED'));
