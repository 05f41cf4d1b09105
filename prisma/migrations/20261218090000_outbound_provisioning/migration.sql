-- Outbound provisioning: SCIM services Portico pushes users to, what each holds for a user, the
-- queue that converges one user at one target, and the log of every push attempt.

-- CreateTable
CREATE TABLE "ProvisioningTarget" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "baseUrl" VARCHAR(2000) NOT NULL,
    "tokenSealed" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "scope" VARCHAR(16) NOT NULL DEFAULT 'all',
    "scopeGroupId" UUID,
    "scopeApplicationId" UUID,
    "onLeave" VARCHAR(16) NOT NULL DEFAULT 'deactivate',
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "reconcileRunning" BOOLEAN NOT NULL DEFAULT false,
    "reconcileCursor" UUID,
    "lastReconciledAt" TIMESTAMP(3),
    "createdBy" VARCHAR(64),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProvisioningTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProvisioningMapping" (
    "targetId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "remoteId" VARCHAR(256) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProvisioningMapping_pkey" PRIMARY KEY ("targetId","userId")
);

-- CreateTable
CREATE TABLE "ProvisioningJob" (
    "id" UUID NOT NULL,
    "targetId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "reconcile" BOOLEAN NOT NULL DEFAULT false,
    "again" BOOLEAN NOT NULL DEFAULT false,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProvisioningJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProvisioningLog" (
    "id" UUID NOT NULL,
    "targetId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "httpStatus" INTEGER,
    "outcome" VARCHAR(16) NOT NULL,
    "error" VARCHAR(300),
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProvisioningLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProvisioningJob_status_nextAttemptAt_idx" ON "ProvisioningJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ProvisioningJob_targetId_idx" ON "ProvisioningJob"("targetId");

-- CreateIndex
CREATE INDEX "ProvisioningJob_createdAt_idx" ON "ProvisioningJob"("createdAt");

-- CreateIndex
CREATE INDEX "ProvisioningLog_targetId_at_idx" ON "ProvisioningLog"("targetId", "at");

-- CreateIndex
CREATE INDEX "ProvisioningLog_at_idx" ON "ProvisioningLog"("at");

-- AddForeignKey
ALTER TABLE "ProvisioningMapping" ADD CONSTRAINT "ProvisioningMapping_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "ProvisioningTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProvisioningJob" ADD CONSTRAINT "ProvisioningJob_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "ProvisioningTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProvisioningLog" ADD CONSTRAINT "ProvisioningLog_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "ProvisioningTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one pending job per target and user: enqueues coalesce (ON CONFLICT ... WHERE status = 'pending').
CREATE UNIQUE INDEX "ProvisioningJob_pending_key" ON "ProvisioningJob"("targetId", "userId") WHERE "status" = 'pending';

