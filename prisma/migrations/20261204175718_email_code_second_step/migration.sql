-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "emailCodeWithStrongFactor" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "PendingSignIn" ADD COLUMN     "emailCodeWithStrongFactor" BOOLEAN NOT NULL DEFAULT false;

