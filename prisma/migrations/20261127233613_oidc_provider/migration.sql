-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "accessTokenTtlSeconds" INTEGER NOT NULL DEFAULT 900,
ADD COLUMN     "backchannelLogoutUri" VARCHAR(2000),
ADD COLUMN     "clientSecretHash" CHAR(64),
ADD COLUMN     "clientSecretRotatedAt" TIMESTAMP(3),
ADD COLUMN     "createdVia" VARCHAR(16) NOT NULL DEFAULT 'admin',
ADD COLUMN     "grantTypes" TEXT[] DEFAULT ARRAY['authorization_code', 'refresh_token']::TEXT[],
ADD COLUMN     "idTokenSignedResponseAlg" VARCHAR(8) NOT NULL DEFAULT 'ES256',
ADD COLUMN     "jwks" JSONB,
ADD COLUMN     "logoUri" VARCHAR(2000),
ADD COLUMN     "postLogoutRedirectUris" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "refreshTokenTtlSeconds" INTEGER NOT NULL DEFAULT 2592000,
ADD COLUMN     "tokenEndpointAuthMethod" VARCHAR(32) NOT NULL DEFAULT 'client_secret_basic';

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "amr" TEXT[] DEFAULT ARRAY['pwd']::TEXT[],
ADD COLUMN     "authTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" VARCHAR(64) NOT NULL,
    "alg" VARCHAR(8) NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwkEncrypted" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatesAt" TIMESTAMP(3) NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "unpublishAt" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "OAuthGrant" (
    "id" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "userId" UUID,
    "sessionId" UUID,
    "scope" VARCHAR(1000) NOT NULL,
    "authTime" TIMESTAMP(3),
    "acr" VARCHAR(100),
    "amr" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedReason" VARCHAR(64),

    CONSTRAINT "OAuthGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthorizationCode" (
    "codeHash" CHAR(64) NOT NULL,
    "grantId" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "redirectUri" VARCHAR(2000) NOT NULL,
    "nonce" VARCHAR(500),
    "codeChallenge" VARCHAR(128),
    "codeChallengeMethod" VARCHAR(8),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthorizationCode_pkey" PRIMARY KEY ("codeHash")
);

-- CreateTable
CREATE TABLE "RefreshToken" (
    "tokenHash" CHAR(64) NOT NULL,
    "grantId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefreshToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "AccessTokenRecord" (
    "jti" VARCHAR(64) NOT NULL,
    "grantId" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AccessTokenRecord_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthorizationRequest" (
    "id" VARCHAR(64) NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "params" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthorizationRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceAuthorization" (
    "id" UUID NOT NULL,
    "deviceCodeHash" CHAR(64) NOT NULL,
    "userCode" VARCHAR(16) NOT NULL,
    "clientId" VARCHAR(100) NOT NULL,
    "scope" VARCHAR(1000) NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "userId" UUID,
    "sessionId" UUID,
    "intervalSeconds" INTEGER NOT NULL DEFAULT 5,
    "lastPolledAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceAuthorization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InitialAccessToken" (
    "id" UUID NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "label" VARCHAR(100) NOT NULL,
    "createdBy" UUID,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InitialAccessToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsedJti" (
    "jti" VARCHAR(200) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsedJti_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "HttpDelivery" (
    "id" UUID NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "contentType" VARCHAR(100) NOT NULL,
    "body" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" VARCHAR(1000),
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HttpDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SigningKey_alg_activatesAt_idx" ON "SigningKey"("alg", "activatesAt");

-- CreateIndex
CREATE INDEX "OAuthGrant_userId_clientId_idx" ON "OAuthGrant"("userId", "clientId");

-- CreateIndex
CREATE INDEX "OAuthGrant_sessionId_idx" ON "OAuthGrant"("sessionId");

-- CreateIndex
CREATE INDEX "AuthorizationCode_grantId_idx" ON "AuthorizationCode"("grantId");

-- CreateIndex
CREATE INDEX "RefreshToken_grantId_idx" ON "RefreshToken"("grantId");

-- CreateIndex
CREATE INDEX "AccessTokenRecord_grantId_idx" ON "AccessTokenRecord"("grantId");

-- CreateIndex
CREATE INDEX "AccessTokenRecord_expiresAt_idx" ON "AccessTokenRecord"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Consent_userId_clientId_key" ON "Consent"("userId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceAuthorization_deviceCodeHash_key" ON "DeviceAuthorization"("deviceCodeHash");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceAuthorization_userCode_key" ON "DeviceAuthorization"("userCode");

-- CreateIndex
CREATE UNIQUE INDEX "InitialAccessToken_tokenHash_key" ON "InitialAccessToken"("tokenHash");

-- CreateIndex
CREATE INDEX "UsedJti_expiresAt_idx" ON "UsedJti"("expiresAt");

-- CreateIndex
CREATE INDEX "HttpDelivery_status_nextAttemptAt_idx" ON "HttpDelivery"("status", "nextAttemptAt");

