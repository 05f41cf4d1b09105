-- Every completed sign-in looks for identity links waiting for it (lib/federation
-- completeLinksWaitingForSignIn): by account and purpose, an index lookup rather than a scan.
CREATE INDEX "FederationRequest_userId_purpose_idx" ON "FederationRequest"("userId", "purpose");
