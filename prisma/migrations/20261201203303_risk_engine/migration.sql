-- AlterTable
ALTER TABLE "HttpDelivery" ADD COLUMN     "headers" JSONB;

-- AlterTable
ALTER TABLE "PendingSignIn" ADD COLUMN     "methods" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "riskAssessmentId" UUID;

-- CreateTable
CREATE TABLE "RiskAssessment" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "clientId" VARCHAR(200),
    "method" VARCHAR(16) NOT NULL,
    "ip" VARCHAR(45),
    "country" VARCHAR(2),
    "city" VARCHAR(100),
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "deviceHash" CHAR(64),
    "userAgentFamily" VARCHAR(60) NOT NULL,
    "score" INTEGER NOT NULL,
    "band" VARCHAR(8) NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "signals" JSONB NOT NULL,
    "features" JSONB NOT NULL,
    "matchedRules" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "explanation" VARCHAR(1000) NOT NULL,
    "outcome" VARCHAR(16) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "RiskAssessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KnownDevice" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "deviceHash" CHAR(64) NOT NULL,
    "userAgentFamily" VARCHAR(60) NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnownDevice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpListEntry" (
    "id" UUID NOT NULL,
    "list" VARCHAR(8) NOT NULL,
    "cidr" VARCHAR(49) NOT NULL,
    "note" VARCHAR(200) NOT NULL DEFAULT '',
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IpListEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompromisedPassword" (
    "sha1" CHAR(40) NOT NULL,
    "source" VARCHAR(100) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CompromisedPassword_pkey" PRIMARY KEY ("sha1")
);

-- CreateTable
CREATE TABLE "RiskPolicyVersion" (
    "version" SERIAL NOT NULL,
    "settings" JSONB NOT NULL,
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskPolicyVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "RiskRule" (
    "id" UUID NOT NULL,
    "definition" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "RiskRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskRuleVersion" (
    "id" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB,
    "changedBy" UUID,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskRuleVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RiskAssessment_userId_outcome_createdAt_idx" ON "RiskAssessment"("userId", "outcome", "createdAt");

-- CreateIndex
CREATE INDEX "RiskAssessment_createdAt_idx" ON "RiskAssessment"("createdAt");

-- CreateIndex
CREATE INDEX "RiskAssessment_band_createdAt_idx" ON "RiskAssessment"("band", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "KnownDevice_userId_deviceHash_userAgentFamily_key" ON "KnownDevice"("userId", "deviceHash", "userAgentFamily");

-- CreateIndex
CREATE UNIQUE INDEX "IpListEntry_list_cidr_key" ON "IpListEntry"("list", "cidr");

-- CreateIndex
CREATE UNIQUE INDEX "RiskRuleVersion_ruleId_version_key" ON "RiskRuleVersion"("ruleId", "version");

-- CreateIndex
CREATE INDEX "AuditEvent_ip_action_createdAt_idx" ON "AuditEvent"("ip", "action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetId_action_createdAt_idx" ON "AuditEvent"("targetId", "action", "createdAt");

-- AddForeignKey
ALTER TABLE "RiskAssessment" ADD CONSTRAINT "RiskAssessment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnownDevice" ADD CONSTRAINT "KnownDevice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

