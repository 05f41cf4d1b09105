-- AlterTable: account jobs given up are kept (payload emptied) as dead letters, like mail and HTTP deliveries.
ALTER TABLE "AccountJob" ADD COLUMN     "status" VARCHAR(16) NOT NULL DEFAULT 'pending';

-- DropIndex
DROP INDEX "AccountJob_nextAttemptAt_idx";

-- CreateIndex
CREATE INDEX "AccountJob_status_nextAttemptAt_idx" ON "AccountJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "HttpDelivery_createdAt_idx" ON "HttpDelivery"("createdAt");
