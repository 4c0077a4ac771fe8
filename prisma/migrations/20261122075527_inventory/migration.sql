-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "stockReservedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "InventoryItem" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "available" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "shopifyInventoryItemId" TEXT,
    "shopifyLocationId" TEXT,
    "wooChannelId" UUID,
    "wooProductId" INTEGER,
    "wooVariationId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "syncedVersion" INTEGER NOT NULL DEFAULT 0,
    "syncedAt" TIMESTAMP(3),
    "syncError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryMovement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "inventoryItemId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "reservedDelta" INTEGER NOT NULL DEFAULT 0,
    "availableAfter" INTEGER NOT NULL,
    "reference" TEXT,
    "actorEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryMovement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryReservation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "inventoryItemId" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryReservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryImport" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shopId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "fileName" TEXT,
    "format" TEXT NOT NULL,
    "content" BYTEA,
    "rows" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "applied" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB,
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "actorEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "InventoryImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InventoryItem_shopId_shopifyInventoryItemId_idx" ON "InventoryItem"("shopId", "shopifyInventoryItemId");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryItem_shopId_sku_key" ON "InventoryItem"("shopId", "sku");

-- CreateIndex
CREATE INDEX "InventoryMovement_shopId_inventoryItemId_createdAt_idx" ON "InventoryMovement"("shopId", "inventoryItemId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "InventoryMovement_shopId_reason_reference_inventoryItemId_key" ON "InventoryMovement"("shopId", "reason", "reference", "inventoryItemId");

-- CreateIndex
CREATE INDEX "InventoryReservation_shopId_inventoryItemId_idx" ON "InventoryReservation"("shopId", "inventoryItemId");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryReservation_orderId_inventoryItemId_key" ON "InventoryReservation"("orderId", "inventoryItemId");

-- CreateIndex
CREATE INDEX "InventoryImport_shopId_createdAt_idx" ON "InventoryImport"("shopId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "InventoryItem" ADD CONSTRAINT "InventoryItem_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryMovement" ADD CONSTRAINT "InventoryMovement_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryMovement" ADD CONSTRAINT "InventoryMovement_inventoryItemId_fkey" FOREIGN KEY ("inventoryItemId") REFERENCES "InventoryItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryReservation" ADD CONSTRAINT "InventoryReservation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryReservation" ADD CONSTRAINT "InventoryReservation_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryReservation" ADD CONSTRAINT "InventoryReservation_inventoryItemId_fkey" FOREIGN KEY ("inventoryItemId") REFERENCES "InventoryItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryImport" ADD CONSTRAINT "InventoryImport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: stock never goes below zero, whatever code (or raw SQL) writes it.
ALTER TABLE "InventoryItem" ADD CONSTRAINT "InventoryItem_available_check" CHECK ("available" >= 0);
ALTER TABLE "InventoryItem" ADD CONSTRAINT "InventoryItem_reserved_check" CHECK ("reserved" >= 0);
ALTER TABLE "InventoryReservation" ADD CONSTRAINT "InventoryReservation_quantity_check" CHECK ("quantity" >= 0);
ALTER TABLE "InventoryMovement" ADD CONSTRAINT "InventoryMovement_reason_check"
  CHECK ("reason" IN ('ORDER_RESERVE', 'CANCEL_RELEASE', 'SHIPPED', 'REFUND_RESTOCK', 'IMPORT', 'MANUAL', 'SYNC'));
ALTER TABLE "InventoryImport" ADD CONSTRAINT "InventoryImport_status_check"
  CHECK ("status" IN ('QUEUED', 'RUNNING', 'APPLIED', 'REJECTED', 'FAILED'));
ALTER TABLE "InventoryImport" ADD CONSTRAINT "InventoryImport_format_check" CHECK ("format" IN ('CSV', 'JSON'));

-- Hand-written: the push job finds a shop's items whose channels are behind.
CREATE INDEX "InventoryItem_unsynced_idx" ON "InventoryItem"("shopId") WHERE "version" > "syncedVersion";
