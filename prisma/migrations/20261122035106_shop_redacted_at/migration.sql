-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "redactedAt" TIMESTAMP(3);

