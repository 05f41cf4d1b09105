-- AlterTable
ALTER TABLE "MfaFactor" ADD COLUMN     "codeAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "codeExpiresAt" TIMESTAMP(3),
ADD COLUMN     "codeHash" CHAR(64),
ADD COLUMN     "codeSentAt" TIMESTAMP(3),
ADD COLUMN     "phone" VARCHAR(16);

-- AlterTable: the emailed code's columns become the sent code's, with its channel (renamed, not
-- dropped, so a code in flight during the upgrade still works).
ALTER TABLE "PendingSignIn" RENAME COLUMN "emailCodeHash" TO "codeHash";
ALTER TABLE "PendingSignIn" RENAME COLUMN "emailCodeExpiresAt" TO "codeExpiresAt";
ALTER TABLE "PendingSignIn" RENAME COLUMN "emailCodeSentAt" TO "codeSentAt";
ALTER TABLE "PendingSignIn" ADD COLUMN "codeChannel" VARCHAR(8);
UPDATE "PendingSignIn" SET "codeChannel" = 'email' WHERE "codeHash" IS NOT NULL;

-- CreateTable
CREATE TABLE "SmsMessage" (
    "id" UUID NOT NULL,
    "to" VARCHAR(16) NOT NULL,
    "purpose" VARCHAR(32) NOT NULL,
    "text" VARCHAR(480),
    "transport" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INTEGER NOT NULL,
    "providerMessageId" VARCHAR(200),
    "lastError" VARCHAR(1000),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SmsMessage_to_createdAt_idx" ON "SmsMessage"("to", "createdAt");

-- CreateIndex
CREATE INDEX "SmsMessage_createdAt_idx" ON "SmsMessage"("createdAt");

