-- SAML assertions already accepted, for replay detection.
CREATE TABLE "UsedSamlAssertion" (
    "key" CHAR(64) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsedSamlAssertion_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "UsedSamlAssertion_expiresAt_idx" ON "UsedSamlAssertion"("expiresAt");
