-- AlterTable: the OpenID Connect standard claims (Core §5.1) on the user; `name` is displayName.
ALTER TABLE "User" ADD COLUMN "givenName" VARCHAR(100),
ADD COLUMN "familyName" VARCHAR(100),
ADD COLUMN "middleName" VARCHAR(100),
ADD COLUMN "nickname" VARCHAR(100),
ADD COLUMN "pictureUrl" VARCHAR(2048),
ADD COLUMN "websiteUrl" VARCHAR(2048),
ADD COLUMN "gender" VARCHAR(40),
ADD COLUMN "birthdate" VARCHAR(10),
ADD COLUMN "zoneinfo" VARCHAR(64),
ADD COLUMN "locale" VARCHAR(35),
ADD COLUMN "phoneNumber" VARCHAR(16),
ADD COLUMN "address" JSONB;
