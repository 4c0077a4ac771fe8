-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "pixelAccountId" TEXT,
ADD COLUMN     "webPixelId" TEXT;

-- CreateTable
CREATE TABLE "PixelEvent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "checkoutToken" TEXT,
    "orderId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "gateways" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "data" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PixelEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PixelEvent_shopId_receivedAt_idx" ON "PixelEvent"("shopId", "receivedAt");

-- CreateIndex
CREATE INDEX "PixelEvent_shopId_email_idx" ON "PixelEvent"("shopId", "email");

-- CreateIndex
CREATE INDEX "PixelEvent_shopId_phone_idx" ON "PixelEvent"("shopId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "PixelEvent_shopId_eventId_key" ON "PixelEvent"("shopId", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_pixelAccountId_key" ON "Shop"("pixelAccountId");

-- AddForeignKey
ALTER TABLE "PixelEvent" ADD CONSTRAINT "PixelEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

