-- The purposes ticked on the registration form wait for the address to be verified.
ALTER TABLE "User" ADD COLUMN "pendingConsents" JSONB;
