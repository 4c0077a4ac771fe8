-- CreateTable
CREATE TABLE "Channel" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CONNECTED',
    "lastError" TEXT,
    "ordersSyncedTo" TIMESTAMP(3),
    "disconnectedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "externalOrderId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customerExternalId" TEXT,
    "customerName" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "shippingAddress" JSONB,
    "paymentGateway" TEXT,
    "cod" BOOLEAN NOT NULL DEFAULT false,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "totalPrice" DECIMAL(14,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "externalCreatedAt" TIMESTAMP(3) NOT NULL,
    "externalUpdatedAt" TIMESTAMP(3) NOT NULL,
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "externalLineId" TEXT NOT NULL,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "price" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefundLine" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "externalOrderId" TEXT NOT NULL,
    "externalRefundId" TEXT NOT NULL,
    "externalRefundLineId" TEXT NOT NULL,
    "externalLineId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "restockType" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefundLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataExport" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "requestId" TEXT NOT NULL,
    "customerExternalId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Channel_shopId_type_externalId_key" ON "Channel"("shopId", "type", "externalId");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopId_receivedAt_idx" ON "WebhookEvent"("shopId", "receivedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_provider_webhookId_key" ON "WebhookEvent"("provider", "webhookId");

-- CreateIndex
CREATE INDEX "Order_shopId_externalCreatedAt_idx" ON "Order"("shopId", "externalCreatedAt" DESC);

-- CreateIndex
CREATE INDEX "Order_shopId_customerExternalId_idx" ON "Order"("shopId", "customerExternalId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_channelId_externalOrderId_key" ON "Order"("shopId", "channelId", "externalOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_orderId_externalLineId_key" ON "OrderLine"("orderId", "externalLineId");

-- CreateIndex
CREATE UNIQUE INDEX "RefundLine_shopId_channelId_externalRefundLineId_key" ON "RefundLine"("shopId", "channelId", "externalRefundLineId");

-- CreateIndex
CREATE UNIQUE INDEX "DataExport_shopId_requestId_key" ON "DataExport"("shopId", "requestId");

-- AddForeignKey
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundLine" ADD CONSTRAINT "RefundLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataExport" ADD CONSTRAINT "DataExport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: what Prisma cannot express.
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_type_check" CHECK ("type" IN ('SHOPIFY', 'WOOCOMMERCE'));
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_status_check"
  CHECK ("status" IN ('CONNECTED', 'NEEDS_REAUTH', 'ERROR', 'DISCONNECTED'));
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_provider_check"
  CHECK ("provider" IN ('SHOPIFY', 'WOOCOMMERCE', 'WHATSAPP'));
ALTER TABLE "OrderLine" ADD CONSTRAINT "OrderLine_quantity_check" CHECK ("quantity" >= 0);
ALTER TABLE "RefundLine" ADD CONSTRAINT "RefundLine_quantity_check" CHECK ("quantity" >= 0);

-- One event delivered through several subscriptions carries one X-Shopify-Event-Id: record it once.
CREATE UNIQUE INDEX "WebhookEvent_provider_topic_eventId_key"
  ON "WebhookEvent" ("provider", "topic", "eventId") WHERE "eventId" IS NOT NULL;
-- The sweeper's work list: events not yet processed.
CREATE INDEX "WebhookEvent_unprocessed_idx" ON "WebhookEvent" ("receivedAt") WHERE "processedAt" IS NULL;
