-- Identity events (lib/events): written in the transaction of the change they describe, then
-- published by the outbox's identity-events queue to the sinks registered in the process.
CREATE TABLE "IdentityEvent" (
    "id" UUID NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "userId" UUID NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IdentityEvent_status_nextAttemptAt_idx" ON "IdentityEvent"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IdentityEvent_userId_occurredAt_idx" ON "IdentityEvent"("userId", "occurredAt");

-- CreateIndex
CREATE INDEX "IdentityEvent_createdAt_idx" ON "IdentityEvent"("createdAt");
