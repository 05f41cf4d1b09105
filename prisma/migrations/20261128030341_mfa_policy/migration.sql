-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "mfaPolicy" VARCHAR(16) NOT NULL DEFAULT 'default';

-- CreateTable
CREATE TABLE "MfaOfferDismissal" (
    "userId" UUID NOT NULL,
    "dismissedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MfaOfferDismissal_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "MfaOfferDismissal" ADD CONSTRAINT "MfaOfferDismissal_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

