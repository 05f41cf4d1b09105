-- Processing purposes with versioned texts, each person's current consent per purpose, and the
-- append-only ledger of signed consent receipts (lib/consents).
CREATE TABLE "Purpose" (
    "id" UUID NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "legalBasis" VARCHAR(32) NOT NULL,
    "dataCategories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "retention" VARCHAR(200) NOT NULL,
    "thirdParty" VARCHAR(120),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Purpose_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Purpose_key_key" ON "Purpose"("key");

CREATE TABLE "PurposeVersion" (
    "id" UUID NOT NULL,
    "purposeId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "text" VARCHAR(4000) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PurposeVersion_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PurposeVersion_purposeId_version_key" ON "PurposeVersion"("purposeId", "version");
ALTER TABLE "PurposeVersion" ADD CONSTRAINT "PurposeVersion_purposeId_fkey" FOREIGN KEY ("purposeId") REFERENCES "Purpose"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PurposeConsent" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "purposeId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "collectionMethod" VARCHAR(32) NOT NULL,
    "collectorClientId" VARCHAR(100),
    "receiptId" UUID NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PurposeConsent_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PurposeConsent_userId_purposeId_key" ON "PurposeConsent"("userId", "purposeId");
ALTER TABLE "PurposeConsent" ADD CONSTRAINT "PurposeConsent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PurposeConsent" ADD CONSTRAINT "PurposeConsent_purposeId_fkey" FOREIGN KEY ("purposeId") REFERENCES "Purpose"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PurposeConsent" ADD CONSTRAINT "PurposeConsent_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "PurposeVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "ConsentReceipt" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "purposeKey" VARCHAR(64) NOT NULL,
    "purposeVersion" INTEGER NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "collectionMethod" VARCHAR(32) NOT NULL,
    "collectorClientId" VARCHAR(100),
    "jws" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsentReceipt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ConsentReceipt_userId_createdAt_idx" ON "ConsentReceipt"("userId", "createdAt");

-- The ledger is append-only, like AuditEvent: a receipt, once signed, never changes. The one
-- exception is erasing an account (GDPR art. 17): its transaction sets portico.consent_erasure
-- for itself only (lib/consents/consents.repo.ts) and removes that person's receipts. Nothing can
-- ever rewrite a receipt.
CREATE FUNCTION "consent_receipt_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('portico.consent_erasure', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'ConsentReceipt is append-only';
END;
$$;
CREATE TRIGGER "ConsentReceipt_append_only" BEFORE UPDATE OR DELETE ON "ConsentReceipt"
  FOR EACH ROW EXECUTE FUNCTION "consent_receipt_append_only"();
