-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "allowedResources" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "allowedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Initial access tokens live at most 30 days: tokens that never expired (or later) now end 30 days after creation.
UPDATE "InitialAccessToken" SET "expiresAt" = "createdAt" + interval '30 days'
WHERE "expiresAt" IS NULL OR "expiresAt" > "createdAt" + interval '30 days';

-- AlterTable
ALTER TABLE "InitialAccessToken" ADD COLUMN     "multiUse" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "usedAt" TIMESTAMP(3),
ALTER COLUMN "expiresAt" SET NOT NULL;

