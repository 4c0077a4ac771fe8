-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "codCollectedAt" TIMESTAMP(3);


-- Hand-written: only a cash-on-delivery order has cash to collect.
ALTER TABLE "Order" ADD CONSTRAINT "Order_codCollectedAt_check" CHECK ("codCollectedAt" IS NULL OR "cod");
