-- The upstream identity a session (or a sign-in waiting for its second step) was signed in
-- through: signing out can then sign out at that provider too (OpenID Connect RP-Initiated Logout).
ALTER TABLE "Session" ADD COLUMN "linkedIdentityId" UUID;
ALTER TABLE "PendingSignIn" ADD COLUMN "linkedIdentityId" UUID;

ALTER TABLE "Session" ADD CONSTRAINT "Session_linkedIdentityId_fkey" FOREIGN KEY ("linkedIdentityId") REFERENCES "LinkedIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "PendingSignIn" ADD CONSTRAINT "PendingSignIn_linkedIdentityId_fkey" FOREIGN KEY ("linkedIdentityId") REFERENCES "LinkedIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;
