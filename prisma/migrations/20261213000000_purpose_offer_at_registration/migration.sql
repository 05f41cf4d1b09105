-- A purpose based on consent may be offered on the registration form (GDPR art. 7: an unticked box,
-- never required). Existing purposes are not offered until an administrator says so.
ALTER TABLE "Purpose" ADD COLUMN "offerAtRegistration" BOOLEAN NOT NULL DEFAULT false;
