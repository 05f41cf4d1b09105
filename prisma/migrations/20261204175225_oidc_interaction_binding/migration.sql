-- AlterTable
ALTER TABLE "AuthorizationRequest" ADD COLUMN     "bindingHash" CHAR(64),
ADD COLUMN     "decision" VARCHAR(8),
ADD COLUMN     "userId" UUID;

-- AlterTable
ALTER TABLE "DeviceAuthorization" ADD COLUMN     "acrValues" VARCHAR(500);

