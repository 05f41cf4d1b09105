-- Progressive profiling: each application's policy (which custom attributes it needs, blocking or
-- skippable, from which sign-in), the customers' "Not now" answers, and a per-user, per-application
-- count of completed authorizations for the "from the Nth sign-in" rule.
ALTER TABLE "Application" ADD COLUMN "profilingPolicy" JSONB;

CREATE TABLE "ApplicationSignIn" (
    "userId" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationSignIn_pkey" PRIMARY KEY ("userId","clientId")
);

CREATE TABLE "ProfilePromptSkip" (
    "userId" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "attribute" VARCHAR(64) NOT NULL,
    "skippedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProfilePromptSkip_pkey" PRIMARY KEY ("userId","clientId","attribute")
);

ALTER TABLE "ApplicationSignIn" ADD CONSTRAINT "ApplicationSignIn_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ProfilePromptSkip" ADD CONSTRAINT "ProfilePromptSkip_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
