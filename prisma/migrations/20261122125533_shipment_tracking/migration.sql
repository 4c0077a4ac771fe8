-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "nextTrackAt" TIMESTAMP(3),
ADD COLUMN     "trackingStatus" TEXT,
ADD COLUMN     "unchangedPolls" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ShipmentEvent" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "shipmentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "location" TEXT,
    "carrierCode" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "channelWrittenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShipmentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShipmentEvent_shopId_shipmentId_occurredAt_idx" ON "ShipmentEvent"("shopId", "shipmentId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShipmentEvent_shipmentId_key_key" ON "ShipmentEvent"("shipmentId", "key");

-- CreateIndex
CREATE INDEX "Shipment_shopId_nextTrackAt_idx" ON "Shipment"("shopId", "nextTrackAt");

-- AddForeignKey
ALTER TABLE "ShipmentEvent" ADD CONSTRAINT "ShipmentEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShipmentEvent" ADD CONSTRAINT "ShipmentEvent_shipmentId_fkey" FOREIGN KEY ("shipmentId") REFERENCES "Shipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: the tracking status set of app/carriers/tracking.ts.
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_trackingStatus_check"
  CHECK ("trackingStatus" IN ('LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'RETURNED'));
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_unchangedPolls_check" CHECK ("unchangedPolls" >= 0);
ALTER TABLE "ShipmentEvent" ADD CONSTRAINT "ShipmentEvent_status_check"
  CHECK ("status" IN ('LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'RETURNED'));
