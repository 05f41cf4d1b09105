-- Federation (lib/federation): upstream connections, home realm discovery domains, each application's
-- connections in order, the identities linked to accounts, and upstream requests under way.
-- CreateTable
CREATE TABLE "Connection" (
    "id" UUID NOT NULL,
    "slug" VARCHAR(64) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "protocol" VARCHAR(8) NOT NULL,
    "preset" VARCHAR(16),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" JSONB NOT NULL,
    "clientSecretSealed" TEXT,
    "trustEmailVerified" BOOLEAN NOT NULL DEFAULT false,
    "storeTokens" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectionDomain" (
    "domain" VARCHAR(253) NOT NULL,
    "connectionId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectionDomain_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "ApplicationConnection" (
    "applicationId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ApplicationConnection_pkey" PRIMARY KEY ("applicationId","connectionId")
);

-- CreateTable
CREATE TABLE "LinkedIdentity" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "email" VARCHAR(254),
    "profile" JSONB NOT NULL DEFAULT '{}',
    "accessTokenSealed" TEXT,
    "refreshTokenSealed" TEXT,
    "idTokenSealed" TEXT,
    "tokenExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "LinkedIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FederationRequest" (
    "id" UUID NOT NULL,
    "stateHash" CHAR(64) NOT NULL,
    "browserHash" CHAR(64) NOT NULL,
    "connectionId" UUID NOT NULL,
    "purpose" VARCHAR(16) NOT NULL,
    "userId" UUID,
    "next" VARCHAR(2000) NOT NULL,
    "codeVerifierSealed" TEXT,
    "nonce" VARCHAR(64),
    "upstream" JSONB,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FederationRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Connection_slug_key" ON "Connection"("slug");

-- CreateIndex
CREATE INDEX "ConnectionDomain_connectionId_idx" ON "ConnectionDomain"("connectionId");

-- CreateIndex
CREATE INDEX "ApplicationConnection_connectionId_idx" ON "ApplicationConnection"("connectionId");

-- CreateIndex
CREATE INDEX "LinkedIdentity_userId_idx" ON "LinkedIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "LinkedIdentity_connectionId_subject_key" ON "LinkedIdentity"("connectionId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "FederationRequest_stateHash_key" ON "FederationRequest"("stateHash");

-- CreateIndex
CREATE INDEX "FederationRequest_expiresAt_idx" ON "FederationRequest"("expiresAt");

-- AddForeignKey
ALTER TABLE "ConnectionDomain" ADD CONSTRAINT "ConnectionDomain_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationConnection" ADD CONSTRAINT "ApplicationConnection_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationConnection" ADD CONSTRAINT "ApplicationConnection_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkedIdentity" ADD CONSTRAINT "LinkedIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkedIdentity" ADD CONSTRAINT "LinkedIdentity_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FederationRequest" ADD CONSTRAINT "FederationRequest_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

