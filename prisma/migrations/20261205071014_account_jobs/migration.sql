-- CreateTable
CREATE TABLE "AccountJob" (
    "id" UUID NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "context" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountJob_nextAttemptAt_idx" ON "AccountJob"("nextAttemptAt");

