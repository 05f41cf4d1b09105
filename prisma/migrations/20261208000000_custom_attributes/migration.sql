-- Custom profile attributes: their definitions, their values on the user (one JSONB object with a
-- GIN index for containment searches), and each application's mapping of attributes to claims.
CREATE TABLE "AttributeDefinition" (
    "id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "label" VARCHAR(100) NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "rules" JSONB NOT NULL DEFAULT '{}',
    "customerAccess" VARCHAR(8) NOT NULL DEFAULT 'none',
    "appReadScope" VARCHAR(32),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AttributeDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AttributeDefinition_name_key" ON "AttributeDefinition"("name");

-- AlterTable
ALTER TABLE "User" ADD COLUMN "attributes" JSONB NOT NULL DEFAULT '{}';

-- CreateIndex
CREATE INDEX "User_attributes_idx" ON "User" USING GIN ("attributes" jsonb_path_ops);

-- AlterTable
ALTER TABLE "Application" ADD COLUMN "claimMappings" JSONB NOT NULL DEFAULT '[]';
