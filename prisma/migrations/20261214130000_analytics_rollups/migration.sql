-- Analytics rollups (lib/analytics): hourly counters kept incrementally from the audit trail.
CREATE TABLE "AnalyticsCounter" (
    "bucketStart" TIMESTAMPTZ(0) NOT NULL,
    "metric" VARCHAR(48) NOT NULL,
    "dimension" VARCHAR(120) NOT NULL DEFAULT '',
    "application" VARCHAR(100) NOT NULL DEFAULT '',
    "value" BIGINT NOT NULL,

    CONSTRAINT "AnalyticsCounter_pkey" PRIMARY KEY ("metric","application","bucketStart","dimension")
);

CREATE TABLE "AnalyticsActiveUser" (
    "period" VARCHAR(8) NOT NULL,
    "periodStart" TIMESTAMPTZ(0) NOT NULL,
    "userId" VARCHAR(64) NOT NULL,

    CONSTRAINT "AnalyticsActiveUser_pkey" PRIMARY KEY ("period","periodStart","userId")
);

CREATE TABLE "AnalyticsState" (
    "id" VARCHAR(16) NOT NULL,
    "lastId" BIGINT NOT NULL DEFAULT 0,
    "pending" JSONB NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalyticsState_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "AnalyticsAdoption" (
    "day" DATE NOT NULL,
    "totalUsers" INTEGER NOT NULL,
    "withSecondFactor" INTEGER NOT NULL,
    "withPasskey" INTEGER NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalyticsAdoption_pkey" PRIMARY KEY ("day")
);

-- Portico's admin API scopes a client may obtain by client_credentials, granted by an administrator.
ALTER TABLE "Application" ADD COLUMN "adminScopes" TEXT[] DEFAULT ARRAY[]::TEXT[];
