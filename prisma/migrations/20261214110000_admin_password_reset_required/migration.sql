-- An administrator can require a new password at the next sign-in (lib/users/admin-user-actions.ts).
ALTER TABLE "User" ADD COLUMN "passwordResetRequiredAt" TIMESTAMP(3);
