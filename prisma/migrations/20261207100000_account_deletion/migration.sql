-- Account deletion (GDPR art. 17): when a disabled account is erased unless its owner cancels.
ALTER TABLE "User" ADD COLUMN "deletionRequestedAt" TIMESTAMP(3),
ADD COLUMN "deletionDueAt" TIMESTAMP(3);
CREATE INDEX "User_deletionDueAt_idx" ON "User"("deletionDueAt");

-- The audit trail stays append-only, with one exception: erasing a person pseudonymises their
-- events (who, from where, addresses in the details) inside the transaction that erases the
-- account, which sets portico.audit_erasure for that transaction only (lib/audit/audit.repo.ts).
-- What happened and when (id, time, action, result, actor type) can never change, and no row
-- can be deleted.
CREATE OR REPLACE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('portico.audit_erasure', true) = 'on'
     AND NEW."id" = OLD."id" AND NEW."createdAt" = OLD."createdAt" AND NEW."action" = OLD."action"
     AND NEW."result" = OLD."result" AND NEW."actorType" = OLD."actorType" THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'AuditEvent is append-only';
END;
$$;
