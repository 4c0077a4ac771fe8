-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "currencyCode" TEXT,
ADD COLUMN     "primaryLocationId" TEXT,
ADD COLUMN     "tokenStatus" TEXT NOT NULL DEFAULT 'OK';


-- Hand-written: what Prisma cannot express.
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_tokenStatus_check" CHECK ("tokenStatus" IN ('OK', 'NEEDS_REAUTH'));
