-- AlterTable
ALTER TABLE "MailMessage" ADD COLUMN     "bodyPurgedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "MailMessage_createdAt_idx" ON "MailMessage"("createdAt");

