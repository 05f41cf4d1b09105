-- Ended sessions (revoked, or past their absolute end) are deleted by the janitor 7 days later, in
-- batches of 1000 (lib/sessions purgeEndedSessions): "revokedAt" < cutoff OR "expiresAt" < cutoff,
-- one index per half (a bitmap OR), so a batch never scans the live sessions.
CREATE INDEX "Session_revokedAt_idx" ON "Session"("revokedAt");
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");
