-- A person's own history, newest first (lib/activity), read by keyset on the event id.
-- (actorId, id) supersedes (actorId).
DROP INDEX IF EXISTS "AuditEvent_actorId_idx";
CREATE INDEX "AuditEvent_targetId_id_idx" ON "AuditEvent"("targetId", "id");
CREATE INDEX "AuditEvent_actorId_id_idx" ON "AuditEvent"("actorId", "id");
