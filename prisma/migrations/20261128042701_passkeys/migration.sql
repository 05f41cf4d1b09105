-- AlterTable
ALTER TABLE "MfaFactor" ADD COLUMN     "aaguid" VARCHAR(36),
ADD COLUMN     "backedUp" BOOLEAN,
ADD COLUMN     "credentialId" VARCHAR(1400),
ADD COLUMN     "flaggedAt" TIMESTAMP(3),
ADD COLUMN     "publicKey" BYTEA,
ADD COLUMN     "signCount" BIGINT,
ADD COLUMN     "transports" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "WebAuthnChallenge" (
    "challenge" VARCHAR(128) NOT NULL,
    "purpose" VARCHAR(16) NOT NULL,
    "userId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebAuthnChallenge_pkey" PRIMARY KEY ("challenge")
);

-- CreateIndex
CREATE INDEX "WebAuthnChallenge_expiresAt_idx" ON "WebAuthnChallenge"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "MfaFactor_credentialId_key" ON "MfaFactor"("credentialId");

