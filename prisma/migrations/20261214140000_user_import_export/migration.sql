-- Bulk user import and export jobs, run by the outbox (lib/user-import).
CREATE TABLE "UserImport" (
    "id" UUID NOT NULL,
    "actor" JSONB NOT NULL,
    "filename" VARCHAR(255) NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "onConflict" VARCHAR(8) NOT NULL,
    "content" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "totalRows" INTEGER,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "report" TEXT NOT NULL DEFAULT '',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserImport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "UserImport_status_nextAttemptAt_idx" ON "UserImport"("status", "nextAttemptAt");
CREATE INDEX "UserImport_createdAt_idx" ON "UserImport"("createdAt");

CREATE TABLE "UserExport" (
    "id" UUID NOT NULL,
    "actor" JSONB NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "content" TEXT NOT NULL DEFAULT '',
    "cursor" UUID,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "totalRows" INTEGER,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserExport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "UserExport_status_nextAttemptAt_idx" ON "UserExport"("status", "nextAttemptAt");
CREATE INDEX "UserExport_createdAt_idx" ON "UserExport"("createdAt");
