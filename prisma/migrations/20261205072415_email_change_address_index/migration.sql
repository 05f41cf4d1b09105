-- CreateIndex
CREATE INDEX "UserToken_email_purpose_idx" ON "UserToken"("email", "purpose");

