-- A pending sign-in whose factors are proved and that waits only for the acceptance of new terms.
ALTER TABLE "PendingSignIn" ADD COLUMN "awaitingAcceptance" BOOLEAN NOT NULL DEFAULT false;
