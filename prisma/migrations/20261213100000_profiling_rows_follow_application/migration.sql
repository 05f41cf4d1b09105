-- Progressive profiling's rows about an application (sign-in counters, "Not now" answers) follow
-- the application: a foreign key to Application.clientId, deleted with it. Rows left behind by
-- applications deleted before this migration are removed first, or the constraint could not be added.
DELETE FROM "ApplicationSignIn" s WHERE NOT EXISTS (SELECT 1 FROM "Application" a WHERE a."clientId" = s."clientId");
DELETE FROM "ProfilePromptSkip" s WHERE NOT EXISTS (SELECT 1 FROM "Application" a WHERE a."clientId" = s."clientId");

-- The cascade finds an application's rows by clientId (neither primary key starts with it).
CREATE INDEX "ApplicationSignIn_clientId_idx" ON "ApplicationSignIn"("clientId");
CREATE INDEX "ProfilePromptSkip_clientId_idx" ON "ProfilePromptSkip"("clientId");

ALTER TABLE "ApplicationSignIn" ADD CONSTRAINT "ApplicationSignIn_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Application"("clientId") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ProfilePromptSkip" ADD CONSTRAINT "ProfilePromptSkip_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Application"("clientId") ON DELETE CASCADE ON UPDATE CASCADE;
