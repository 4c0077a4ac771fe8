-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "labelFormat" TEXT NOT NULL DEFAULT 'PDF',
ADD COLUMN     "shipFrom" JSONB;

-- CreateTable
CREATE TABLE "ShippingAccount" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "carrier" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "credentials" TEXT,
    "credentialsHint" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CONNECTED',
    "lastError" TEXT,
    "verifiedAt" TIMESTAMP(3),
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "useFor" TEXT,
    "disconnectedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShippingAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shipment" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "shippingAccountId" UUID NOT NULL,
    "carrier" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "service" TEXT NOT NULL,
    "trackingNumber" TEXT,
    "carrierShipmentId" TEXT,
    "labelFormat" TEXT,
    "label" BYTEA,
    "rateAmount" TEXT,
    "rateCurrency" TEXT,
    "attemptStartedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shipment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShippingAccount_shopId_createdAt_idx" ON "ShippingAccount"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Shipment_orderId_idx" ON "Shipment"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shopId_reference_key" ON "Shipment"("shopId", "reference");

-- AddForeignKey
ALTER TABLE "ShippingAccount" ADD CONSTRAINT "ShippingAccount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_shippingAccountId_fkey" FOREIGN KEY ("shippingAccountId") REFERENCES "ShippingAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: allowed values, and at most one default carrier account per shop.
ALTER TABLE "ShippingAccount" ADD CONSTRAINT "ShippingAccount_carrier_check" CHECK ("carrier" IN ('FEDEX', 'DHL_ECOMMERCE'));
ALTER TABLE "ShippingAccount" ADD CONSTRAINT "ShippingAccount_environment_check" CHECK ("environment" IN ('SANDBOX', 'PRODUCTION'));
ALTER TABLE "ShippingAccount" ADD CONSTRAINT "ShippingAccount_status_check"
  CHECK ("status" IN ('CONNECTED', 'ERROR', 'NEEDS_REAUTH', 'DISCONNECTED'));
ALTER TABLE "ShippingAccount" ADD CONSTRAINT "ShippingAccount_useFor_check" CHECK ("useFor" IS NULL OR "useFor" IN ('DOMESTIC', 'INTERNATIONAL'));
CREATE UNIQUE INDEX "ShippingAccount_one_default_per_shop" ON "ShippingAccount" ("shopId") WHERE "isDefault" AND "status" <> 'DISCONNECTED';
ALTER TABLE "Shipment" ADD CONSTRAINT "Shipment_status_check" CHECK ("status" IN ('PENDING', 'PURCHASED', 'VOID_REQUESTED', 'VOIDED'));
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_labelFormat_check" CHECK ("labelFormat" IN ('PDF', 'ZPL'));
-- One live label per order: a second concurrent purchase cannot even record its shipment.
CREATE UNIQUE INDEX "Shipment_one_live_per_order" ON "Shipment" ("orderId") WHERE "status" IN ('PENDING', 'PURCHASED');
