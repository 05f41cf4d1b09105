-- SCIM 2.0 (RFC 7643, RFC 7644): provisioned identifiers and attributes on the user, groups, and
-- the provisioning clients' bearer tokens.

-- An account provisioned without a usable address of its own has no sign-in address.
ALTER TABLE "User" ALTER COLUMN "email" DROP NOT NULL;
ALTER TABLE "User" ADD COLUMN "userName" VARCHAR(256);
ALTER TABLE "User" ADD COLUMN "externalId" VARCHAR(256);
ALTER TABLE "User" ADD COLUMN "scimAttributes" JSONB NOT NULL DEFAULT '{}';

-- userName is unique ignoring case (RFC 7643 §4.1.1: caseExact false, uniqueness server). The
-- expression is the one lib/scim compiles filters to, so `userName eq` and `userName sw` are one
-- range of this index; externalId is case-exact (§3.1) and may repeat.
CREATE UNIQUE INDEX "User_userName_key" ON "User" ((lower("userName") COLLATE "C"));
CREATE INDEX "User_externalId_idx" ON "User" ("externalId");

CREATE TABLE "Group" (
    "id" UUID NOT NULL,
    "displayName" VARCHAR(256) NOT NULL,
    "externalId" VARCHAR(256),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Group_displayName_key" ON "Group" ((lower("displayName") COLLATE "C"));
CREATE INDEX "Group_externalId_idx" ON "Group" ("externalId");

CREATE TABLE "GroupMember" (
    "groupId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "display" VARCHAR(256),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "GroupMember_pkey" PRIMARY KEY ("groupId","userId")
);
CREATE INDEX "GroupMember_userId_idx" ON "GroupMember"("userId");
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ProvisioningToken" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "scopes" TEXT[],
    "sendInvitations" BOOLEAN NOT NULL DEFAULT false,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" VARCHAR(64),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    CONSTRAINT "ProvisioningToken_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ProvisioningToken_tokenHash_key" ON "ProvisioningToken"("tokenHash");
